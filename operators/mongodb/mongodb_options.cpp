#include "operators/mongodb/mongodb_options.h"

#include <cctype>

#include "base/secrets.h"
#include "operators/common/stage_options.h"

namespace sluice::operators::mongodb {
namespace {

const Value* find_child(const Value* block, const char* name) {
  if (block == nullptr || block->type() != Type::Object) return nullptr;
  return block->as_object().find(intern(name));
}

std::string percent_decode(const std::string& s) {
  std::string out;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

void add_secret(const std::string& s) {
  if (s.empty()) return;
  secrets::add(s);
  std::string d = percent_decode(s);
  if (d != s) secrets::add(d);
}

std::string query_value(const std::string& uri, const std::string& name) {
  size_t q = uri.find('?');
  while (q != std::string::npos) {
    size_t start = q + 1;
    size_t end = uri.find('&', start);
    std::string item =
        uri.substr(start, end == std::string::npos ? std::string::npos : end - start);
    size_t eq = item.find('=');
    if (eq != std::string::npos) {
      std::string k = item.substr(0, eq);
      bool same = k.size() == name.size();
      for (size_t i = 0; same && i < k.size(); ++i) {
        same = std::tolower(static_cast<unsigned char>(k[i])) ==
               std::tolower(static_cast<unsigned char>(name[i]));
      }
      if (same) return item.substr(eq + 1);
    }
    q = end;
  }
  return {};
}

}  // namespace

void register_uri_secrets(const std::string& uri) {
  size_t scheme = uri.find("://");
  size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  // userinfo ends at the LAST '@' before the path (passwords may hold a raw '@').
  size_t slash = uri.find('/', start);
  size_t at = uri.rfind('@', slash == std::string::npos ? std::string::npos : slash);
  bool has_secret = false;
  if (at != std::string::npos && at >= start) {
    std::string userinfo = uri.substr(start, at - start);
    size_t colon = userinfo.find(':');
    if (colon != std::string::npos) {
      add_secret(userinfo.substr(colon + 1));
      has_secret = true;
    }
  }
  for (const char* opt : {"tlsCertificateKeyFilePassword", "sslclientcertificatekeypassword",
                          "authMechanismProperties"}) {
    std::string v = query_value(uri, opt);
    if (!v.empty() && std::string(opt) != "authMechanismProperties") {
      add_secret(v);
      has_secret = true;
    } else if (!v.empty()) {
      // AWS_SESSION_TOKEN:... in authMechanismProperties
      size_t p = v.find("AWS_SESSION_TOKEN:");
      if (p != std::string::npos) {
        size_t e = v.find(',', p);
        add_secret(v.substr(p + 18, e == std::string::npos ? std::string::npos : e - p - 18));
        has_secret = true;
      }
    }
  }
  if (has_secret) secrets::add(uri);
}

result<MongoOptions> MongoOptions::from_config(const StageConfig& cfg) {
  MongoOptions o;
  std::string where = "sink mongodb " + cfg.name + ": ";
  o.pipeline = cfg.pipeline;
  o.stage = cfg.parallelism > 1 ? cfg.name + "#" + std::to_string(cfg.instance) : cfg.name;
  const Value* uri = cfg.option("uri");
  if (uri == nullptr || uri->type() != Type::String || uri->as_string().empty()) {
    return error::fatal(where + "option uri is required");
  }
  o.uri = uri->as_string();
  register_uri_secrets(o.uri);
  const Value* db = cfg.option("database");
  if (db == nullptr || db->type() != Type::String || db->as_string().empty()) {
    return error::fatal(where + "option database is required");
  }
  o.database = db->as_string();

  auto it = cfg.expr_options.find("collection");
  if (it != cfg.expr_options.end() && it->second != nullptr) {
    eval::Scope scope;
    scope.allow_env = true;
    auto c = eval::compile(*it->second, scope);
    if (!c.ok()) return error::fatal(where + "collection: " + c.err().message);
    o.collection = std::move(c.value());
  } else if (const Value* t = cfg.option("collection"); t != nullptr && t->type() == Type::String) {
    o.collection_constant = t->as_string();
  }

  auto text = [](const Value* v) {
    return v->type() == Type::String ? v->as_string() : v->to_display();
  };
  if (const Value* m = cfg.option("mode"); m != nullptr && !m->is_null()) {
    std::string s = text(m);
    if (s == "upsert") {
      o.mode = Mode::Upsert;
    } else if (s == "append") {
      o.mode = Mode::Append;
    } else {
      return error::fatal(where + "mode must be upsert or append, not '" + s + "'");
    }
  }
  if (const Value* u = cfg.option("update"); u != nullptr && !u->is_null()) {
    std::string s = text(u);
    if (s == "replace") {
      o.update = Update::Replace;
    } else if (s == "set") {
      o.update = Update::Set;
    } else {
      return error::fatal(where + "update must be replace or set, not '" + s + "'");
    }
  }
  if (auto r = opt_names(cfg, "key", where, "field", o.key); !r) return r.err();

  const Value* wc = cfg.option("write_concern");
  if (const Value* w = find_child(wc, "w"); w != nullptr && !w->is_null()) {
    if (w->type() == Type::String && w->as_string() == "majority") {
      o.w_majority = true;
    } else if (w->type() == Type::Int && w->as_int() >= 0) {
      o.w = w->as_int();
    } else if (w->type() == Type::String && !w->as_string().empty() &&
               w->as_string().find_first_not_of("0123456789") == std::string::npos &&
               w->as_string().size() < 6) {
      o.w = std::stoll(w->as_string());
    } else {
      return error::fatal(where + "write_concern.w must be \"majority\" or a number >= 0, not " +
                          w->to_display());
    }
  }
  if (const Value* j = find_child(wc, "journal"); j != nullptr && j->type() == Type::Bool) {
    o.journal = j->as_bool() ? 1 : 0;
  }
  if (const Value* t = find_child(wc, "timeout"); t != nullptr && t->type() == Type::Int) {
    o.wtimeout_ms = t->as_int() / 1000;
  }
  const Value* batch = cfg.option("batch");
  if (const Value* r = find_child(batch, "rows"); r != nullptr && r->type() == Type::Int) {
    if (r->as_int() < 1) return error::fatal(where + "batch.rows must be at least 1");
    o.batch_rows = r->as_int();
  }
  if (const Value* d = find_child(batch, "delay"); d != nullptr && d->type() == Type::Int) {
    o.batch_delay_us = d->as_int() < 0 ? 0 : d->as_int();
  }
  if (const Value* a = find_child(batch, "adaptive"); a != nullptr && a->type() == Type::Bool) {
    o.batch_adaptive = a->as_bool();
  }
  return o;
}

}  // namespace sluice::operators::mongodb
