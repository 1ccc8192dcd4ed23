#include "operators/mysql/mysql_config.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "operators/mysql/ddl_lexer.h"
#include "operators/mysql/errc.h"
#include "operators/mysql/mysql_spec.h"

namespace sluice::operators::mysql {

std::vector<std::string> strings_of(const Value* v) {
  std::vector<std::string> out;
  if (!v) return out;
  if (v->type() == Type::List) {
    for (const auto& x : v->as_list()) {
      if (x.type() == Type::String) out.push_back(x.as_string());
    }
  } else if (v->type() == Type::String) {
    out.push_back(v->as_string());
  }
  return out;
}

bool wildcard_match(const std::string& p, const std::string& t) {
  size_t pi = 0, ti = 0, star = std::string::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == t[ti] || p[pi] == '?')) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

namespace {
// The names of "`a`" or "`a`.`b`" (`` inside standing for a backquote, as the SQL lexer reads
// them); none when `t` is not written so.
std::vector<std::string> quoted_names(const std::string& t) {
  const auto tokens = lex_sql(t);
  std::vector<std::string> out;
  for (size_t i = 0; i < tokens.size() && tokens[i].kind != TokenKind::End; ++i) {
    const Token& k = tokens[i];
    const bool closed = k.end > k.begin + 1 && t[k.end - 1] == '`';
    if (i % 2 == 0 && (k.kind != TokenKind::Ident || !closed)) return {};
    if (i % 2 == 1 && (k.kind != TokenKind::Punct || k.text != ".")) return {};
    if (i % 2 == 0) out.push_back(k.text);
  }
  if (tokens.size() % 2 == 1 || out.size() > 2) return {};  // a trailing '.', or three names
  return out;
}

// "name" -> "DATABASE.name" ("*.name" without a database); "db.name" as is. A name holding a
// dot is written quoted: "`ta.ble`" or "`my.db`.`ta.ble`".
std::string qualify(const std::string& database, const std::string& t) {
  const auto quoted = quoted_names(t);
  if (quoted.size() == 2) return quoted[0] + "." + quoted[1];
  const std::string& name = quoted.size() == 1 ? quoted[0] : t;
  if (quoted.empty() && t.find('.') != std::string::npos) return t;
  return (database.empty() ? std::string("*") : database) + "." + name;
}
}  // namespace

TableFilter::TableFilter(std::string database, const std::vector<std::string>& tables)
    : database_(std::move(database)) {
  for (auto& t : tables) patterns_.push_back(qualify(database_, t));
  if (patterns_.empty()) patterns_.push_back(qualify(database_, "*"));
}

namespace {

bool system_database(const std::string& db) {
  return db == "mysql" || db == "information_schema" || db == "performance_schema" || db == "sys";
}

}  // namespace

bool TableFilter::matches_database(const std::string& db) const {
  for (auto& p : patterns_) {
    const size_t dot = p.find('.');
    const std::string part = dot == std::string::npos ? p : p.substr(0, dot);
    if (system_database(db) ? part == db : wildcard_match(part, db)) return true;
  }
  return false;
}

bool TableFilter::matches(const std::string& db, const std::string& table) const {
  if (system_database(db)) {
    bool explicit_db = false;
    for (auto& p : patterns_) explicit_db |= p.rfind(db + ".", 0) == 0;
    if (!explicit_db) return false;
  }
  std::string full = db + "." + table;
  for (auto& p : patterns_) {
    if (wildcard_match(p, full)) return true;
  }
  return false;
}

KeyRules::KeyRules(const std::string& database, std::vector<std::string> all,
                   std::vector<Rule> rules)
    : all_(std::move(all)), rules_(std::move(rules)) {
  for (auto& r : rules_) r.pattern = qualify(database, r.pattern);
  // Exact names first, each group in the order written.
  std::stable_partition(rules_.begin(), rules_.end(), [](const Rule& r) {
    return r.pattern.find_first_of("*?") == std::string::npos;
  });
}

const std::vector<std::string>& KeyRules::columns(const std::string& db,
                                                  const std::string& table) const {
  const std::string full = db + "." + table;
  for (const auto& r : rules_) {
    if (wildcard_match(r.pattern, full)) return r.columns;
  }
  return all_;
}

result<StartPosition> parse_start(const std::string& text) {
  StartPosition s;
  if (text == "earliest") {
    s.kind = StartPosition::Kind::Earliest;
  } else if (text == "latest" || text.empty()) {
    s.kind = StartPosition::Kind::Latest;
  } else if (text.rfind("gtid:", 0) == 0) {
    s.kind = StartPosition::Kind::Gtid;
    s.gtid = text.substr(5);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
      return error::fatal(
          errc::config,
          "start = \"" + text + "\": expected earliest, latest, \"FILE:POS\" or gtid(\"...\")");
    }
    s.kind = StartPosition::Kind::FilePos;
    s.file = text.substr(0, colon);
    try {
      s.pos = std::stoull(text.substr(colon + 1));
    } catch (...) {
      return error::fatal(errc::config, "start = \"" + text + "\": POS must be a number");
    }
  }
  return s;
}

result<std::vector<ConnectOptions>> parse_hosts(const std::string& text,
                                                const ConnectOptions& base) {
  std::vector<ConnectOptions> out;
  size_t i = 0;
  while (i <= text.size()) {
    size_t j = text.find(',', i);
    if (j == std::string::npos) j = text.size();
    std::string h = text.substr(i, j - i);
    while (!h.empty() && std::isspace(static_cast<unsigned char>(h.front()))) h.erase(0, 1);
    while (!h.empty() && std::isspace(static_cast<unsigned char>(h.back()))) h.pop_back();
    i = j + 1;
    if (h.empty()) continue;
    ConnectOptions o = base;
    std::string port;
    if (h.front() == '[') {  // [v6]:port
      size_t close = h.find(']');
      if (close == std::string::npos)
        return error::fatal(errc::config, "host \"" + h + "\": missing ']'");
      o.host = h.substr(1, close - 1);
      if (close + 1 < h.size() && h[close + 1] == ':') port = h.substr(close + 2);
    } else if (std::count(h.begin(), h.end(), ':') == 1) {
      o.host = h.substr(0, h.find(':'));
      port = h.substr(h.find(':') + 1);
    } else {
      o.host = h;
    }
    if (!port.empty()) {
      char* end = nullptr;
      long p = std::strtol(port.c_str(), &end, 10);
      if (*end != '\0' || p < 1 || p > 65535) {
        return error::fatal(errc::config, "host \"" + h + "\": the port must be a number 1-65535");
      }
      o.port = static_cast<int>(p);
    }
    out.push_back(std::move(o));
  }
  if (out.empty()) return error::fatal(errc::config, "host is empty: give a host name or address");
  return out;
}

namespace {

// `start` may be an identifier (earliest/latest), a string, or gtid("...") (raw AST).
std::string start_text(const StageConfig& c) {
  if (c.ast) {
    for (const auto& o : c.ast->options) {
      if (o.name != "start" || !o.value) continue;
      const ast::Expr& e = *o.value;
      if (e.kind == ast::ExprKind::Call && e.op == "gtid" && e.args.size() == 1 &&
          e.args[0]->kind == ast::ExprKind::Literal && e.args[0]->literal.type() == Type::String) {
        return "gtid:" + e.args[0]->literal.as_string();
      }
      if (e.kind == ast::ExprKind::Field && e.path.size() == 1) return e.path[0];
      if (e.kind == ast::ExprKind::Literal && e.literal.type() == Type::String) {
        return e.literal.as_string();
      }
    }
  }
  return c.option_string("start", "");
}

KeyRules key_rules(const Value& v, const std::string& database) {
  if (v.type() != Type::Object) return KeyRules(database, strings_of(&v), {});
  std::vector<KeyRules::Rule> rules;
  for (const auto& f : v.as_object().fields()) {
    rules.push_back({sym_name(f.name), strings_of(&f.value)});
  }
  return KeyRules(database, {}, std::move(rules));
}

// `tls { }`: what a mode needs besides itself.
result<void> tls_options(const MySqlOptions& o, const std::string& stage, ConnectOptions& conn) {
  const std::string where = "source mysql " + stage + ": tls: ";
  if (o.tls_mode == TlsMode::VerifyCa && o.tls_ca.empty()) {
    return error::fatal(errc::config, where +
                                          "mode = verify_ca needs `ca` (the PEM file of the CA "
                                          "that signed the server's certificate)");
  }
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    return error::fatal(errc::config, where +
                                          "`cert` and `key` go together (the client "
                                          "certificate and its private key)");
  }
  if (o.tls_mode == TlsMode::Disabled && (!o.tls_ca.empty() || !o.tls_cert.empty())) {
    return error::fatal(errc::config, where +
                                          "mode = disabled does not use `ca`, `cert` or "
                                          "`key`: remove them or choose another mode");
  }
  conn.tls_mode = o.tls_mode;
  conn.tls_ca = o.tls_ca;
  conn.tls_cert = o.tls_cert;
  conn.tls_key = o.tls_key;
  return {};
}

}  // namespace

result<MySqlConfig> read_config(const StageConfig& c) {
  auto read = bound_source_spec().read(c);
  if (!read.ok()) return read.err();
  const MySqlOptions& o = read.value();
  MySqlConfig m;
  m.name = c.name;
  m.conn.port = o.port;
  m.conn.user = o.user;
  m.conn.password = o.password;
  m.conn.server_public_key = o.server_public_key;
  auto tls = tls_options(o, c.name, m.conn);
  if (!tls.ok()) return tls.err();
  auto hosts = parse_hosts(o.host, m.conn);
  if (!hosts.ok())
    return error::fatal(errc::config, "source mysql " + c.name + ": " + hosts.err().message);
  m.hosts = std::move(hosts).value();
  m.conn = m.hosts.front();
  m.server_id = o.server_id;
  m.database = o.database;
  m.conn.database = "";
  m.tables = o.tables;
  m.snapshot = o.snapshot;
  m.snapshot_method = o.snapshot_method;
  m.parallelism = o.snapshot_parallelism;
  m.rows_per_second = o.snapshot_rows_per_second;
  m.watermark = o.snapshot_watermark;
  if (m.watermark == SnapshotWatermark::SignalTable && o.signal_table.empty()) {
    return error::fatal(errc::config, "source mysql " + c.name +
                                          ": snapshot { watermark = signal_table } needs "
                                          "signal_table = \"db.table\"");
  }
  m.signal_table = o.signal_table;
  m.include_query = o.include_query;
  if (!m.signal_table.empty() && m.signal_table.find('.') == std::string::npos) {
    if (m.database.empty()) {
      return error::fatal(errc::config, "source mysql " + c.name +
                                            ": signal_table needs its database: \"db." +
                                            m.signal_table + "\"");
    }
    m.signal_table = m.database + "." + m.signal_table;
  }
  std::string st = start_text(c);
  m.start_given = !st.empty();
  auto sp = parse_start(st);
  if (!sp.ok()) return sp.err();
  m.start = *sp;
  m.heartbeat_us = o.heartbeat_us;
  m.reconnect_timeout_us = o.reconnect_timeout_us;
  m.schema_changes = o.schema_changes;
  m.partition_changes = o.partition_changes;
  m.table_rewrites = o.table_rewrites;
  m.key = key_rules(o.key, m.database);
  m.chunk_rows = o.chunk_rows;
  return m;
}

}  // namespace sluice::operators::mysql
