#include "operators/mysql/snapshot_reader.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "base/json.h"
#include "base/logger.h"
#include "base/temporal.h"
#include "operators/common/stage_options.h"
#include "operators/mysql/binlog_server.h"
#include "operators/mysql/column_decoder.h"
#include "operators/mysql/errc.h"
#include "operators/mysql/geometry_value.h"
#include "operators/mysql/key_range.h"
#include "operators/mysql/table_order.h"

namespace sluice::operators::mysql {

TextKind text_kind(const ColumnSchema& c) {
  const std::string& t = c.data_type;
  if (t == "tinyint" || t == "smallint" || t == "mediumint" || t == "int" || t == "integer") {
    return TextKind::Int;
  }
  if (t == "bigint") return c.is_unsigned ? TextKind::UInt64 : TextKind::Int64;
  if (t == "decimal" || t == "numeric") return TextKind::Decimal;
  if (t == "float") return TextKind::Float;
  if (t == "double" || t == "real") return TextKind::Double;
  if (t == "bit") return TextKind::Bit;
  if (t == "year") return TextKind::Year;
  if (t == "date") return TextKind::Date;
  if (t == "datetime") return TextKind::DateTime;
  if (t == "timestamp") return TextKind::Timestamp;
  if (t == "time") return TextKind::Time;
  if (t == "set") return TextKind::Set;
  if (t == "enum") return TextKind::Enum;
  if (c.is_json) return TextKind::Json;
  if (t == "geometry" || t == "point" || t == "linestring" || t == "polygon" || t == "multipoint" ||
      t == "multilinestring" || t == "multipolygon" || t == "geometrycollection") {
    return TextKind::Geometry;
  }
  if (c.collation == kBinaryCollation) return TextKind::Bytes;
  return TextKind::String;
}

namespace {

// A date the calendar does not have, which MariaDB may hold (see valid_date in
// temporal_decoder.cpp): 0000-00-00, a zero month or day, or a day past the month's end.
bool is_zero_date(std::string_view s) {
  auto number = [&](size_t at, size_t n) {
    unsigned v = 0;
    if (s.size() < at + n) return -1;
    for (size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
    }
    return static_cast<int>(v);
  };
  const int y = number(0, 4), m = number(5, 2), d = number(8, 2);
  if (y < 0 || m < 0 || d < 0 || s[4] != '-' || s[7] != '-') return false;
  return d < 1 || d > static_cast<int>(temporal::days_in_month(y, static_cast<unsigned>(m)));
}

template <typename T>
T parse_int(std::string_view s) {
  T v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

}  // namespace

result<Value> text_to_value(const ColumnSchema& c, const std::string& s, uint64_t& zero_dates) {
  return text_to_value(text_kind(c), c, s, zero_dates);
}

result<Value> text_to_value(TextKind k, const ColumnSchema& c, std::string_view s,
                            uint64_t& zero_dates) {
  switch (k) {
    case TextKind::Int:
    case TextKind::Int64:
    case TextKind::Year:
      return Value::int64(parse_int<int64_t>(s));
    case TextKind::UInt64:
      return Value::uint64(parse_int<uint64_t>(s));
    case TextKind::Decimal: {
      auto d = Decimal::parse(s);
      if (!d) {
        return error::permanent(errc::decode, "DECIMAL value " + std::string(s) + " does not fit " +
                                                  std::to_string(Decimal::kMaxWideDigits) +
                                                  " digits");
      }
      return Value::decimal(*d);
    }
    case TextKind::Float: {
      float f = 0;
      std::from_chars(s.data(), s.data() + s.size(), f);
      return Value::float64(static_cast<double>(f));
    }
    case TextKind::Double: {
      double d = 0;
      std::from_chars(s.data(), s.data() + s.size(), d);
      return Value::float64(d);
    }
    case TextKind::Bit: {
      uint64_t v = 0;
      for (unsigned char ch : s) v = (v << 8) | ch;
      return Value::uint64(v);
    }
    case TextKind::Date: {
      if (is_zero_date(s)) {
        ++zero_dates;
        return Value::null();
      }
      auto d = temporal::parse_date(s);
      if (!d) return error::permanent(errc::decode, "bad DATE " + std::string(s));
      return Value::date(*d);
    }
    case TextKind::DateTime:
    case TextKind::Timestamp: {
      if (is_zero_date(s)) {
        ++zero_dates;
        return Value::null();
      }
      auto d = temporal::parse_datetime(s);
      if (!d) return error::permanent(errc::decode, "bad " + c.data_type + " " + std::string(s));
      // the session zone is UTC
      return k == TextKind::DateTime ? Value::datetime(*d) : Value::timestamp(*d);
    }
    case TextKind::Time:
    case TextKind::Enum:
    case TextKind::String:  // the connection converts every charset to utf8mb4
      return Value::string(std::string(s));
    case TextKind::Set: {
      List l;
      size_t i = 0;
      while (i < s.size()) {
        size_t j = s.find(',', i);
        if (j == std::string_view::npos) j = s.size();
        l.push_back(Value::string(std::string(s.substr(i, j - i))));
        i = j + 1;
      }
      return Value::list(std::move(l));
    }
    case TextKind::Json: {
      auto v = json::parse(s);
      if (!v.ok()) return error::permanent(errc::bad_json, v.err().message);
      return std::move(v).value();
    }
    case TextKind::Geometry:  // the stored form: SRID + WKB
      return Value::bytes(geometry_bytes(s));
    case TextKind::Bytes:
      return Value::bytes(std::string(s));
  }
  return Value::string(std::string(s));
}

result<void> SnapshotReader::connect() {
  if (schema_) return {};
  auto r = connect_first(conn_,
                         cfg_.hosts.empty() ? std::vector<ConnectOptions>{cfg_.conn} : cfg_.hosts);
  if (!r.ok()) return r.err();
  auto sid = conn_.scalar("SELECT @@global.server_id");
  if (!sid.ok()) return sid.err();
  server_id_ = static_cast<uint32_t>(std::stoul(sid->value_or("0")));
  for (const char* sql : {"SET SESSION time_zone = '+00:00'",
                          "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"}) {
    auto e = conn_.exec(sql);
    if (!e.ok()) return e.err();
  }
  schema_ = std::make_unique<SchemaLoader>(&conn_);
  return {};
}

result<BinlogPosition> SnapshotReader::open_view() {
  auto e = conn_.exec("START TRANSACTION WITH CONSISTENT SNAPSHOT");
  if (!e.ok()) return e.err();
  auto st = conn_.query("SHOW STATUS LIKE 'binlog_snapshot_%'");
  BinlogPosition p;
  if (!st.ok()) return st.err();
  for (auto& row : *st) {
    if (row[0] == std::optional<std::string>("Binlog_snapshot_file")) p.file = row[1].value_or("");
    if (row[0] == std::optional<std::string>("Binlog_snapshot_position"))
      p.pos = std::stoull(row[1].value_or("0"));
  }
  p.server = server_id_;
  return p;
}

result<BinlogPosition> SnapshotReader::open_chunk() {
  auto c = connect();
  if (!c.ok()) return c.err();
  auto p = open_view();
  if (!p.ok()) return p.err();
  if (p->valid()) return p;
  (void)conn_.exec("ROLLBACK");
  return error::fatal(errc::snapshot,
                      "snapshot { method = lock_free } needs the binlog position of a consistent "
                      "snapshot (MariaDB's binlog_snapshot_position), which this server does not "
                      "report: use snapshot { method = consistent }");
}

void SnapshotReader::close_chunk() {
  close_scan();
  (void)conn_.exec("COMMIT");
}

result<bool> SnapshotReader::keyless(const SnapshotTable& t) {
  auto c = connect();
  if (!c.ok()) return c.err();
  auto pr = prepare(t);
  if (!pr.ok()) return pr.err();
  return (*pr)->key.empty();
}

result<std::optional<std::vector<std::string>>> SnapshotReader::chunk_end(
    const SnapshotTable& t, const std::vector<std::string>& after, size_t rows) {
  auto c = connect();
  if (!c.ok()) return c.err();
  auto pr = prepare(t);
  if (!pr.ok()) return pr.err();
  const Prepared& p = **pr;
  const std::vector<std::string> cols = key_columns(p);
  const std::string list = comma_list(cols);
  std::vector<std::string> where;
  if (!after.empty()) where.push_back(key_after(cols, key_literals(p, after)));
  if (!t.filter.empty()) where.push_back("(" + t.filter + ")");
  std::string sql = "SELECT " + list + " FROM " + p.from + where_clause(where);
  sql += " ORDER BY " + list + " LIMIT 1 OFFSET " + std::to_string(rows - 1);
  auto r = conn_.query(sql);
  if (!r.ok()) return r.err();
  if (r->empty()) return std::optional<std::vector<std::string>>();
  std::vector<std::string> key;
  for (auto& v : r->front()) key.push_back(v.value_or(""));
  return std::optional<std::vector<std::string>>(std::move(key));
}

std::string SnapshotReader::where_clause(const std::vector<std::string>& conditions) {
  std::string s;
  for (size_t i = 0; i < conditions.size(); ++i) s += (i ? " AND " : " WHERE ") + conditions[i];
  return s;
}

std::vector<std::string> SnapshotReader::key_columns(const Prepared& p) {
  std::vector<std::string> cols;
  for (size_t k : p.key) cols.push_back(quote_ident(p.columns[k].name));
  return cols;
}

std::string SnapshotReader::comma_list(const std::vector<std::string>& items) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i];
  return s;
}

// A key's values as SQL literals: quoted text, which the server compares in the column's own
// type and collation; but a BIT value arrives as its raw bytes, which a quoted string would
// compare as a number read from text (0): it goes as the unsigned number its bytes make.
std::vector<std::string> SnapshotReader::key_literals(const Prepared& p,
                                                      const std::vector<std::string>& key) {
  std::vector<std::string> out;
  for (size_t i = 0; i < key.size(); ++i) {
    const bool bit = i < p.key.size() && p.columns[p.key[i]].data_type == "bit";
    if (!bit) {
      out.push_back(conn_.quote(key[i]));
      continue;
    }
    uint64_t n = 0;
    for (unsigned char b : key[i]) n = n << 8 | b;  // BIT(M), M <= 64: at most 8 bytes
    out.push_back(std::to_string(n));
  }
  return out;
}

result<BinlogPosition> SnapshotReader::begin() {
  auto c = connect();
  if (!c.ok()) return c.err();
  // MariaDB: the consistent snapshot reports its own binlog position, no lock needed.
  auto v = open_view();
  if (!v.ok()) return v.err();
  BinlogPosition p = *v;
  if (p.valid()) {
    auto g = conn_.scalar("SELECT BINLOG_GTID_POS(" + conn_.quote(p.file) + ", " +
                          std::to_string(p.pos) + ")");
    if (g.ok() && g->has_value()) p.gtid = **g;
    return p;
  }
  // MySQL: a brief global read lock while the position is taken and the view is opened.
  (void)conn_.exec("ROLLBACK");
  auto l = conn_.exec("FLUSH TABLES WITH READ LOCK");
  if (!l.ok()) {
    return error::fatal(errc::snapshot,
                        "cannot take a consistent snapshot position: " + l.err().message +
                            " (grant RELOAD, or use snapshot = never)");
  }
  auto pos = current_position(conn_);
  auto s2 = conn_.exec("START TRANSACTION WITH CONSISTENT SNAPSHOT");
  (void)conn_.exec("UNLOCK TABLES");
  if (!pos.ok()) return pos.err();
  if (!s2.ok()) return s2.err();
  return *pos;
}

result<std::vector<SnapshotTable>> SnapshotReader::list_tables() {
  return list_captured_tables(conn_, cfg_.filter());
}

result<bool> reports_view_position(Connection& c) {
  auto st = c.query("SHOW STATUS LIKE 'binlog_snapshot_position'");
  if (!st.ok()) return st.err();
  return !st->empty();
}

Value snapshot_position(const BinlogPosition& p) {
  Object o;
  o.append(intern("file"), Value::string(p.file));
  o.append(intern("pos"), Value::int64(static_cast<int64_t>(p.pos)));
  if (!p.gtid.empty()) o.append(intern("gtid"), Value::string(p.gtid));
  o.append(intern("snapshot"), Value::boolean(true));
  return Value::object(std::move(o));
}

result<std::vector<SnapshotTable>> list_captured_tables(Connection& conn, const TableFilter& f) {
  auto rows = conn.query(
      "SELECT TABLE_SCHEMA, TABLE_NAME, IFNULL(TABLE_ROWS, 0) FROM information_schema.TABLES WHERE "
      "TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') ORDER BY TABLE_SCHEMA, TABLE_NAME");
  if (!rows.ok()) return rows.err();
  std::vector<SnapshotTable> out;
  for (auto& r : *rows) {
    SnapshotTable t{r[0].value_or(""), r[1].value_or(""), std::stoull(r[2].value_or("0")), {}};
    if (f.matches(t.db, t.table)) out.push_back(std::move(t));
  }
  auto edges = foreign_key_edges(conn);
  if (!edges.ok()) return edges.err();
  order_by_foreign_keys(out, *edges);
  return out;
}

result<SnapshotReader::Prepared*> SnapshotReader::prepare(const SnapshotTable& t) {
  std::string name = t.db + "." + t.table;
  if (prepared_ && prepared_->name == name) return prepared_.get();
  auto sr = schema_->get(t.db, t.table);
  if (!sr.ok()) return sr.err();
  const TableSchema& s = **sr;
  auto p = std::make_unique<Prepared>();
  p->name = name;
  // A system-versioned table's implicit row_start / row_end are not read (SELECT * leaves
  // them out too); its rows are the table now (SELECT without FOR SYSTEM_TIME).
  p->columns.assign(s.columns.begin(), s.columns.begin() + static_cast<long>(s.visible()));
  for (const auto& c : p->columns) p->kinds.push_back(text_kind(c));
  std::vector<std::string> key =
      s.primary_key.empty() ? cfg_.key.columns(t.db, t.table) : s.primary_key;
  if (key.empty()) {
    log::info("mysql", cfg_.name + ": table " + name +
                           " has no primary key: its events carry no key (like Debezium); its "
                           "snapshot is read in table order, resumed by row count");
  }
  auto meta = std::make_shared<SourceMeta>();
  meta->connector = "mysql";
  meta->name = cfg_.name;
  meta->db = t.db;
  meta->table = t.table;
  meta->primary_key = key;
  for (const auto& c : p->columns) {  // exact types for sinks that create tables
    meta->column_names.push_back(c.name);
    meta->column_types.push_back(c.is_json ? "json" : c.column_type);
    meta->column_not_null.push_back(!c.nullable);
  }
  p->meta = meta;
  std::string cols;
  for (size_t i = 0; i < p->columns.size(); ++i) {
    const auto& c = p->columns[i];
    p->syms.push_back(intern(c.name));
    if (!cols.empty()) cols += ", ";
    cols += quote_ident(c.name);
    // The server sends a FLOAT as text of 6 significant digits (16777216 as "16777200"), which
    // is not the value the binlog holds; widened to DOUBLE its text is exact (then read back
    // to the same float).
    if (c.data_type == "float") cols += " * 1";
  }
  for (auto& k : key) {
    bool found = false;
    for (size_t i = 0; i < p->columns.size(); ++i) {
      if (p->columns[i].name == k) {
        p->key.push_back(i);
        found = true;
      }
    }
    if (!found) return error::fatal(errc::snapshot, "key column " + k + " not found in " + name);
  }
  p->from = quote_ident(t.db) + "." + quote_ident(t.table);
  if (s.primary_key.empty() && !p->key.empty()) {
    auto rk = check_rule_key(*p, t);
    if (!rk.ok()) return rk.err();
  }
  p->select = "SELECT " + cols + " FROM " + p->from;
  prepared_ = std::move(p);
  return prepared_.get();
}

// A `key` rule names columns nothing makes unique or NOT NULL. A row with a NULL there is in no
// key range (no comparison with NULL is true), and rows that share a key value straddle the end
// of a page (the next page starts after that value): either would be left out of the snapshot.
// A table that holds such rows when it is first read is read as one without a key (one pass,
// rows counted); its events still carry the rule's key. Checked once per table and reader:
// the duplicate check reads the table, unless a unique index of the rule's columns exists.
result<void> SnapshotReader::check_rule_key(Prepared& p, const SnapshotTable& t) {
  auto known = rule_keys_.find(p.name);
  if (known == rule_keys_.end()) {
    close_scan();  // a table's unbuffered scan (reopened at its row count when read on)
    auto why = rule_key_flaw(p, t);
    if (!why.ok()) return why.err();
    if (!why->empty()) {
      log::info("mysql", cfg_.name + ": table " + p.name + ": " + *why +
                             ", which no key range can tell apart: its snapshot is read in one "
                             "pass, resumed by row count");
    }
    known = rule_keys_.emplace(p.name, why->empty()).first;
  }
  if (!known->second) p.key.clear();
  return {};
}

// "" when the rule's key tells every row apart, else what does not.
result<std::string> SnapshotReader::rule_key_flaw(const Prepared& p, const SnapshotTable& t) {
  std::string nullable, list;
  for (size_t k : p.key) {
    const std::string col = quote_ident(p.columns[k].name);
    list += (list.empty() ? "" : ", ") + col;
    if (p.columns[k].nullable) nullable += (nullable.empty() ? "" : " OR ") + col + " IS NULL";
  }
  if (!nullable.empty()) {
    auto r = conn_.query("SELECT 1 FROM " + p.from + " WHERE " + nullable + " LIMIT 1");
    if (!r.ok()) return r.err();
    if (!r->empty()) return std::string("rows with NULL in its key columns");
  }
  // A unique index on some of the rule's columns makes its key unique.
  auto idx = conn_.query(
      "SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = " +
      conn_.quote(t.db) + " AND TABLE_NAME = " + conn_.quote(t.table) + " AND NON_UNIQUE = 0");
  if (!idx.ok()) return idx.err();
  std::map<std::string, bool> covered;  // index -> all its columns in the rule
  for (const auto& row : *idx) {
    const std::string name = row[1].value_or("");
    const bool in_rule = std::any_of(p.key.begin(), p.key.end(),
                                     [&](size_t k) { return p.columns[k].name == name; });
    auto [it, fresh] = covered.emplace(row[0].value_or(""), in_rule);
    if (!fresh) it->second = it->second && in_rule;
  }
  for (const auto& [name, all] : covered) {
    if (all) return std::string();
  }
  auto dup =
      conn_.query("SELECT 1 FROM " + p.from + " GROUP BY " + list + " HAVING COUNT(*) > 1 LIMIT 1");
  if (!dup.ok()) return dup.err();
  return std::string(dup->empty() ? "" : "rows that share a key");
}

// A table without a key: one unbuffered scan in the table's own (clustered index) order,
// stable within the snapshot's consistent view, read `limit` rows per call (no OFFSET paging,
// which would reread the table's head on every page). The "key" of each row is its ordinal, so
// a resumed snapshot starts the scan past the rows already delivered (exact when the table
// did not change meanwhile).
result<size_t> SnapshotReader::read_keyless(Prepared& p, const std::string& t_filter,
                                            const std::vector<std::string>& last_key, size_t limit,
                                            const Value& position, int64_t ts,
                                            std::vector<Event>& out,
                                            std::vector<std::string>& keys) {
  uint64_t done = 0;
  if (!last_key.empty()) {
    // A row count; a key instead (a checkpoint of a version that read this table by its `key`
    // rule's columns, which hold NULLs) cannot say how far the scan got: it starts over.
    const std::string& n = last_key[0];
    const auto r = std::from_chars(n.data(), n.data() + n.size(), done);
    if (r.ec != std::errc() || r.ptr != n.data() + n.size()) {
      log::warn("mysql", cfg_.name + ": table " + p.name +
                             ": the snapshot's resume point is not a row count; reading it "
                             "from its first row again");
      done = 0;
    }
  }
  if (scan_ == nullptr || scan_table_ != p.name || scan_next_ != done) {
    close_scan();
    // The scan waits on the pipeline's pace between calls: no server write timeout meanwhile.
    auto t = conn_.exec("SET SESSION net_write_timeout = 86400");
    if (!t.ok()) return t.err();
    std::string sql = p.select;
    if (!t_filter.empty()) sql += " WHERE (" + t_filter + ")";
    if (done > 0) sql += " LIMIT 18446744073709551615 OFFSET " + std::to_string(done);
    if (mysql_real_query(conn_.handle(), sql.data(), sql.size()) != 0)
      return conn_.last_error("snapshot read failed");
    scan_ = mysql_use_result(conn_.handle());
    if (scan_ == nullptr) return conn_.last_error("snapshot read failed");
    scan_table_ = p.name;
    scan_next_ = done;
  }
  bool exhausted = false;
  auto n = fetch_rows(p, scan_, limit, position, ts, out, nullptr, exhausted);
  if (!n.ok()) {
    close_scan();
    return n.err();
  }
  for (size_t i = 0; i < *n; ++i) keys.push_back(std::to_string(scan_next_ + i + 1));
  scan_next_ += *n;
  if (exhausted) {
    const bool err = mysql_errno(conn_.handle()) != 0;
    close_scan();
    if (err) return conn_.last_error("snapshot read failed");
  }
  return n;
}

void SnapshotReader::close_scan() {
  if (scan_ == nullptr) return;
  mysql_free_result(scan_);  // reads what the server still sends
  scan_ = nullptr;
  scan_table_.clear();
}

result<size_t> SnapshotReader::read_chunk(const SnapshotTable& t,
                                          const std::vector<std::string>& last_key, size_t limit,
                                          const Value& position, int64_t ts,
                                          std::vector<Event>& out, std::vector<std::string>& keys,
                                          const std::vector<std::string>* upto) {
  for (int attempt = 0;; ++attempt) {
    const size_t rows = out.size(), key_strings = keys.size();
    auto n = read_chunk_once(t, last_key, limit, position, ts, out, keys, upto);
    // ER_BAD_FIELD_ERROR: the statement names a column the table lost to a DDL statement.
    if (n.ok() || attempt == kRetriesAfterDdl || mysql_errno(conn_.handle()) != 1054) return n;
    out.resize(rows);
    keys.resize(key_strings);
    close_scan();
    prepared_.reset();
    schema_->invalidate(t.db, t.table);
    log::info("mysql", cfg_.name + ": " + t.db + "." + t.table + " changed while it was read (" +
                           n.err().message + "): its columns read again");
  }
}

result<size_t> SnapshotReader::read_chunk_once(const SnapshotTable& t,
                                               const std::vector<std::string>& last_key,
                                               size_t limit, const Value& position, int64_t ts,
                                               std::vector<Event>& out,
                                               std::vector<std::string>& keys,
                                               const std::vector<std::string>* upto) {
  if (scan_ != nullptr && scan_table_ != t.db + "." + t.table) close_scan();
  auto pr = prepare(t);
  if (!pr.ok()) return pr.err();
  Prepared& p = **pr;
  if (p.key.empty()) return read_keyless(p, t.filter, last_key, limit, position, ts, out, keys);
  const std::vector<std::string> cols = key_columns(p);
  std::vector<std::string> where;
  if (!last_key.empty()) where.push_back(key_after(cols, key_literals(p, last_key)));
  if (upto != nullptr) where.push_back(key_upto(cols, key_literals(p, *upto)));
  if (!t.filter.empty()) where.push_back("(" + t.filter + ")");
  std::string sql = p.select + where_clause(where);
  sql += " ORDER BY " + comma_list(cols) + " LIMIT " + std::to_string(limit);
  const size_t expect = std::min<size_t>(limit, size_t{1} << 16);
  out.reserve(out.size() + expect);
  keys.reserve(keys.size() + expect * p.key.size());
  return fetch(p, sql, position, ts, out, &keys);
}

result<size_t> SnapshotReader::fetch(Prepared& p, const std::string& sql, const Value& position,
                                     int64_t ts, std::vector<Event>& out,
                                     std::vector<std::string>* keys) {
  if (mysql_real_query(conn_.handle(), sql.data(), sql.size()) != 0)
    return conn_.last_error("snapshot read failed");
  MYSQL_RES* res = mysql_use_result(conn_.handle());
  if (!res) return conn_.last_error("snapshot read failed");
  bool exhausted = false;
  auto n = fetch_rows(p, res, SIZE_MAX, position, ts, out, keys, exhausted);
  bool err = n.ok() && mysql_errno(conn_.handle()) != 0;
  mysql_free_result(res);
  if (err) return conn_.last_error("snapshot read failed");
  return n;
}

result<size_t> SnapshotReader::fetch_rows(Prepared& p, MYSQL_RES* res, size_t limit,
                                          const Value& position, int64_t ts,
                                          std::vector<Event>& out, std::vector<std::string>* keys,
                                          bool& exhausted) {
  size_t n = 0;
  unsigned nf = std::min<unsigned>(mysql_num_fields(res), static_cast<unsigned>(p.columns.size()));
  while (n < limit) {
    MYSQL_ROW row = mysql_fetch_row(res);
    if (row == nullptr) {
      exhausted = true;
      break;
    }
    unsigned long* lens = mysql_fetch_lengths(res);
    Event& e = out.emplace_back();
    e.op = Op::Read;
    e.source = p.meta;
    e.ts = ts;
    e.position = position;
    e.row.reserve(nf);
    for (unsigned i = 0; i < nf; ++i) {
      if (!row[i]) {
        e.row.append(p.syms[i], Value::null());
        continue;
      }
      auto v =
          text_to_value(p.kinds[i], p.columns[i], std::string_view(row[i], lens[i]), zero_dates_);
      if (!v.ok()) {
        const std::string what =
            "cannot read " + p.name + "." + p.columns[i].name + ": " + v.err().message;
        if (v.err().kind != failure_kind::permanent) {
          out.pop_back();
          return error::fatal(errc::decode, what);
        }
        // A value its text cannot become (JSON that does not parse, a JSON number beyond 76
        // digits; the text is always read whole here): the row is a dead letter with the
        // column's text, the snapshot goes on.
        if (!e.dead_letter) mark_dead(e, "", v.err().code ? v.err().code : errc::decode, what);
        e.row.append(p.syms[i], Value::string(std::string(row[i], lens[i])));
        continue;
      }
      e.row.append(p.syms[i], std::move(v).value());
    }
    if (keys != nullptr) {
      for (size_t ki : p.key) {
        keys->emplace_back(row[ki] ? std::string_view(row[ki], lens[ki]) : std::string_view());
      }
    }
    ++n;
  }
  return n;
}

void SnapshotReader::end() {
  close_scan();
  if (conn_.connected()) (void)conn_.exec("COMMIT");
  conn_.close();
}

}  // namespace sluice::operators::mysql
