#include "operators/postgres/sink_options.h"

#include "engine/common/secrets.h"
#include "operators/common/stage_options.h"
#include "operators/postgres/conninfo.h"

namespace sluice::operators::postgres {
namespace {

const Value* find_child(const Value* block, const char* name) {
  if (block == nullptr || block->type() != Type::Object) return nullptr;
  return block->as_object().find(intern(name));
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

void register_url_secrets(const std::string& url) {
  std::string password;
  size_t scheme = url.find("://");
  if (scheme != std::string::npos) {
    size_t start = scheme + 3;
    size_t at = url.find('@', start);
    size_t slash = url.find('/', start);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      size_t colon = url.find(':', start);
      if (colon != std::string::npos && colon < at) password = url.substr(colon + 1, at - colon - 1);
    }
    size_t q = url.find("password=");
    if (password.empty() && q != std::string::npos) {
      size_t end = url.find('&', q);
      password = url.substr(q + 9, end == std::string::npos ? std::string::npos : end - q - 9);
    }
  } else {
    size_t q = url.find("password=");
    if (q != std::string::npos) {
      size_t start = q + 9;
      if (start < url.size() && url[start] == '\'') {
        size_t end = url.find('\'', start + 1);
        password = url.substr(start + 1, end == std::string::npos ? std::string::npos
                                                                  : end - start - 1);
      } else {
        size_t end = url.find(' ', start);
        password = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
      }
    }
  }
  if (!password.empty()) {
    secrets::add(password);
    try {
      std::string decoded = percent_decode(password);
      if (decoded != password) secrets::add(decoded);
    } catch (const std::exception&) {
    }
    secrets::add(url);
  }
}

result<SinkOptions> SinkOptions::from_config(const StageConfig& cfg) {
  SinkOptions o;
  std::string where = "sink postgres " + cfg.name + ": ";
  o.pipeline = cfg.pipeline;
  o.stage = cfg.parallelism > 1 ? cfg.name + "#" + std::to_string(cfg.instance) : cfg.name;
  o.epoch = cfg.epoch;
  const Value* url = cfg.option("url");
  if (url == nullptr || url->type() != Type::String || url->as_string().empty()) {
    return error::fatal(where + "option url is required");
  }
  o.url = url->as_string();
  register_url_secrets(o.url);
  o.url = with_connection_defaults(o.url);

  auto it = cfg.expr_options.find("table");
  if (it != cfg.expr_options.end() && it->second != nullptr) {
    eval::Scope scope;
    scope.allow_env = true;
    auto c = eval::compile(*it->second, scope);
    if (!c.ok()) return error::fatal(where + "table: " + c.err().message);
    o.table = std::move(c.value());
  } else if (const Value* t = cfg.option("table"); t != nullptr && t->type() == Type::String) {
    o.table_constant = t->as_string();
  } else {
    return error::fatal(where + "option table is required");
  }

  if (const Value* m = cfg.option("mode"); m != nullptr && !m->is_null()) {
    std::string s = m->type() == Type::String ? m->as_string() : m->to_display();
    if (s == "upsert") {
      o.mode = Mode::Upsert;
    } else if (s == "append") {
      o.mode = Mode::Append;
    } else if (s == "soft_delete") {
      o.mode = Mode::SoftDelete;
    } else {
      return error::fatal(where + "mode must be upsert, append or soft_delete, not '" + s + "'");
    }
  }
  if (auto r = opt_names(cfg, "key", where, "column", o.key); !r) return r.err();

  if (const Value* b = cfg.option("create_tables"); b != nullptr && b->type() == Type::Bool) {
    o.create_tables = b->as_bool();
  }
  if (const Value* b = cfg.option("metadata_columns"); b != nullptr && b->type() == Type::Bool) {
    o.metadata_columns = b->as_bool();
  }
  const Value* batch = cfg.option("batch");
  if (const Value* r = find_child(batch, "rows"); r != nullptr && r->type() == Type::Int) {
    if (r->as_int() < 1) return error::fatal(where + "batch.rows must be at least 1");
    o.batch_rows = r->as_int();
  }
  if (const Value* d = find_child(batch, "delay"); d != nullptr && d->type() == Type::Int) {
    o.batch_delay_us = d->as_int() < 0 ? 0 : d->as_int();
  }
  if (const Value* c = cfg.option("copy"); c != nullptr && !c->is_null()) {
    std::string s = c->type() == Type::String ? c->as_string() : c->to_display();
    if (s != "binary" && s != "text") {
      return error::fatal(where + "copy must be binary or text, not '" + s + "'");
    }
    o.binary_copy = s == "binary";
  }
  if (const Value* n = cfg.option("connections"); n != nullptr && n->type() == Type::Int) {
    if (n->as_int() < 1 || n->as_int() > 16) {
      return error::fatal(where + "connections must be between 1 and 16");
    }
    o.connections = static_cast<int>(n->as_int());
  }
  return o;
}

}  // namespace sluice::operators::postgres
