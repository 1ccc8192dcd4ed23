#include "operators/debezium/debezium_decoder.h"

#include <charconv>
#include <cstdint>

#include "base/json.h"
#include "operators/debezium/errc.h"
#include "operators/debezium/json_members.h"
#include "operators/debezium/schema_apply.h"

namespace sluice::operators::debezium {
namespace {

struct Syms {
  Sym before = intern("before"), after = intern("after"), source = intern("source"),
      op = intern("op"), ts_ms = intern("ts_ms"), connector = intern("connector"),
      db = intern("db"), table = intern("table"), schema = intern("schema");
};
const Syms& syms() {
  static const Syms s;
  return s;
}

// Finds the `schema` and `payload` members; `enveloped` false when the text is a bare payload.
bool split_envelope(std::string_view text, std::string_view& schema, std::string_view& payload,
                    bool& enveloped) {
  JsonMembers m(text);
  schema = {};
  payload = {};
  size_t n = 0;
  while (m.next()) {
    ++n;
    if (m.name() == "schema")
      schema = m.value();
    else if (m.name() == "payload")
      payload = m.value();
  }
  if (!m.ok()) return false;
  enveloped = !payload.empty() && n <= 2;
  if (!enveloped) {
    payload = text;
    schema = {};
  }
  if (schema == "null") schema = {};
  return true;
}

bool is_ws(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// Fast path for the JSON converter's exact layout {"schema":S,"payload":P} when S is a cached
// schema text: no scan of S. Returns false when the layout differs (the caller falls back).
bool fast_envelope(std::string_view text, SchemaCache& cache,
                   std::shared_ptr<const FieldSchema>& schema, std::string_view& payload) {
  static constexpr std::string_view kSchema = "{\"schema\":";
  static constexpr std::string_view kPayload = "\"payload\":";
  if (text.size() < kSchema.size() || text.substr(0, kSchema.size()) != kSchema) return false;
  std::string_view rest = text.substr(kSchema.size());
  size_t len = 0;
  auto s = cache.match_prefix(rest, len);
  if (s == nullptr) return false;
  size_t i = len;
  while (i < rest.size() && is_ws(rest[i])) ++i;
  if (i >= rest.size() || rest[i] != ',') return false;
  ++i;
  while (i < rest.size() && is_ws(rest[i])) ++i;
  if (rest.substr(i, kPayload.size()) != kPayload) return false;
  i += kPayload.size();
  size_t end = rest.size();
  while (end > i && is_ws(rest[end - 1])) --end;
  if (end <= i || rest[end - 1] != '}') return false;
  --end;
  payload = rest.substr(i, end - i);
  schema = std::move(s);
  return true;
}

// A JSON string member's value ("" when it is not a string); escapes resolved.
std::string string_member(std::string_view text) {
  if (text.size() < 2 || text.front() != '"') return std::string();
  std::string_view inner = text.substr(1, text.size() - 2);
  if (inner.find('\\') == std::string_view::npos) return std::string(inner);
  auto v = json::parse(text);
  return v.ok() && v->type() == Type::String ? v->as_string() : std::string();
}

// A JSON integer member's value (0 when it is not an integer).
int64_t int_member(std::string_view text) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  return ec == std::errc() && p == text.data() + text.size() ? v : 0;
}

// Milliseconds (ts_ms) as microseconds; 0 (unknown) beyond what int64 microseconds hold.
int64_t micros_of_millis(int64_t ms) {
  constexpr int64_t kMax = INT64_MAX / 1000;
  return ms > kMax || ms < -kMax ? 0 : ms * 1000;
}

// The payload of a message, and its compiled schema when it carries one: false when the text
// is not a JSON object; the cache's error when the schema does not compile.
result<bool> unwrap(std::string_view text, SchemaCache& cache,
                    std::shared_ptr<const FieldSchema>& compiled, std::string_view& payload) {
  if (fast_envelope(text, cache, compiled, payload)) return true;
  std::string_view schema;
  bool enveloped = false;
  if (!split_envelope(text, schema, payload, enveloped)) return false;
  if (!schema.empty()) {
    auto s = cache.get(schema);
    if (!s.ok()) return s.err();
    compiled = std::move(s).value();
  }
  return true;
}

// The payload members decode() reads, as JSON text ("" when absent), found without building
// Values for the parts not needed (the source block has ~15 fields of which 5 are read).
struct PayloadMembers {
  std::string_view op, before, after, source, ts;
};

result<void> read_payload(std::string_view payload, PayloadMembers& m) {
  JsonMembers pm(payload);
  if (!pm.ok()) return error::permanent(errc::decode, "payload is not an object");
  while (pm.next()) {
    std::string_view n = pm.name();
    if (n == "op")
      m.op = pm.value();
    else if (n == "before")
      m.before = pm.value();
    else if (n == "after")
      m.after = pm.value();
    else if (n == "source")
      m.source = pm.value();
    else if (n == "ts_ms")
      m.ts = pm.value();
  }
  if (!pm.ends_cleanly()) return error::permanent(errc::decode, "payload: malformed JSON object");
  return {};
}

// The event's op; false for a message ("m"), which carries no event.
result<bool> read_op(std::string_view op_t, Op& op) {
  if (op_t.size() != 3 || op_t[0] != '"' || op_t[2] != '"') {
    return error::permanent(errc::decode, "payload has no op");
  }
  switch (op_t[1]) {
    case 'c':
      op = Op::Create;
      return true;
    case 'u':
      op = Op::Update;
      return true;
    case 'd':
      op = Op::Delete;
      return true;
    case 'r':
      op = Op::Read;
      return true;
    case 't':
      op = Op::Truncate;  // the table of `source`, no row
      return true;
    case 'm':
      return false;
    default:
      return error::permanent(errc::decode, std::string("unknown op '") + op_t[1] + "'");
  }
}

// A before or after image ("" or null: none), typed by the row schema when there is one.
result<void> read_image(std::string_view text, const FieldSchema* row_schema, Value& v,
                        const char* what) {
  if (text.empty() || text == "null") return {};
  auto parsed = json::parse(text);
  if (!parsed.ok())
    return error::permanent(errc::decode,
                            std::string("payload.") + what + ": " + parsed.err().message);
  v = std::move(parsed).value();
  if (row_schema != nullptr) {
    auto r = apply_schema(*row_schema, v);
    if (!r.ok()) return error::permanent(errc::decode, std::string(what) + "." + r.err().message);
  }
  return {};
}

// out.row (after; before for a delete; none for a truncate) and, for an update, out.before.
result<void> read_images(const PayloadMembers& m, const FieldSchema* row_schema, Event& out) {
  Value before_v, after_v;
  // A delete needs only before; other ops need after (and before for updates); a truncate
  // neither.
  if (out.op == Op::Delete || out.op == Op::Update) {
    if (auto r = read_image(m.before, row_schema, before_v, "before"); !r.ok()) return r.err();
  }
  if (out.op != Op::Delete && out.op != Op::Truncate) {
    if (auto r = read_image(m.after, row_schema, after_v, "after"); !r.ok()) return r.err();
  }
  bool has_before = before_v.type() == Type::Object;
  bool has_after = after_v.type() == Type::Object;
  out.has_before = false;
  out.before.clear();
  if (out.op == Op::Truncate) {
    out.row.clear();
  } else if (out.op == Op::Delete) {
    if (!has_before) return error::permanent(errc::decode, "delete without before");
    out.row = std::move(before_v.as_object());
  } else {
    if (!has_after) return error::permanent(errc::decode, "no after image");
    out.row = std::move(after_v.as_object());
    if (out.op == Op::Update && has_before) {
      out.before = std::move(before_v.as_object());
      out.has_before = true;
    }
  }
  return {};
}

SnapshotMark snapshot_mark_of(std::string_view text) {
  if (text == "\"first\"") return SnapshotMark::First;
  if (text == "\"first_in_data_collection\"") return SnapshotMark::FirstInTable;
  if (text == "\"last_in_data_collection\"") return SnapshotMark::LastInTable;
  if (text == "\"last\"") return SnapshotMark::Last;
  if (text == "\"incremental\"") return SnapshotMark::Incremental;
  if (text == "\"true\"" || text == "true") return SnapshotMark::Middle;
  return SnapshotMark::None;
}

// A binlog member of the MySQL connector's source block (server_id, gtid, file, pos, row,
// thread, query) into the origin; false when `n` is none of them.
bool read_binlog_member(std::string_view n, std::string_view v, LogOrigin& o, uint32_t& row) {
  if (n == "server_id")
    o.server_id = int_member(v);
  else if (n == "gtid")
    o.gtid = string_member(v);
  else if (n == "file")
    o.file = string_member(v);
  else if (n == "pos")
    o.pos = int_member(v);
  else if (n == "row")
    row = static_cast<uint32_t>(int_member(v));
  else if (n == "thread")
    o.thread = v == "null" ? -1 : int_member(v);
  else if (n == "query")
    o.query = string_member(v);
  else
    return false;
  return true;
}

// Where the change comes from (connector, db, table: schema.table when the source has a
// schema) and out.ts: the source's commit time, else the envelope's ts_ms. A MySQL
// connector's binlog fields and snapshot mark are kept (Event::origin, snapshot_mark), so a
// Debezium topic written again by a kafka sink keeps its source block.
bool same_origin(const LogOrigin& a, const LogOrigin& b) {
  return a.pos == b.pos && a.server_id == b.server_id && a.thread == b.thread && a.file == b.file &&
         a.gtid == b.gtid && a.query == b.query;
}

result<void> read_source(const PayloadMembers& m, Event& out, std::string& connector,
                         std::string& db, std::string& table, bool& qualified,
                         std::shared_ptr<const LogOrigin>& last_origin) {
  out.ts = 0;
  out.origin.reset();
  out.origin_row = 0;
  out.snapshot_mark = SnapshotMark::None;
  if (!m.source.empty() && m.source.front() == '{') {
    std::string sch;
    LogOrigin o;
    uint32_t row = 0;
    bool binlog = false;
    JsonMembers sm(m.source);
    while (sm.next()) {
      std::string_view n = sm.name();
      if (n == "connector")
        connector = string_member(sm.value());
      else if (n == "db")
        db = string_member(sm.value());
      else if (n == "table")
        table = string_member(sm.value());
      else if (n == "schema")
        sch = string_member(sm.value());
      else if (n == "ts_ms")
        out.ts = micros_of_millis(int_member(sm.value()));
      else if (n == "snapshot")
        out.snapshot_mark = snapshot_mark_of(sm.value());
      else
        binlog |= read_binlog_member(n, sm.value(), o, row);
    }
    if (!sm.ok()) return error::permanent(errc::decode, "payload.source: malformed JSON object");
    qualified = !sch.empty() && !table.empty();
    if (qualified) table = sch + "." + table;
    if (binlog && !o.file.empty()) {
      o.txn_pos = o.pos;
      // The rows of one binlog event share one origin (they differ in `row` only).
      if (!last_origin || !same_origin(*last_origin, o)) {
        last_origin = std::make_shared<const LogOrigin>(std::move(o));
      }
      out.origin = last_origin;
      out.origin_row = row;
    }
  }
  if (out.ts == 0) out.ts = micros_of_millis(int_member(m.ts));
  return {};
}

}  // namespace

result<void> DebeziumDecoder::decode_key(std::string_view key, Value& out,
                                         std::vector<std::string>& fields) {
  fields.clear();
  std::string_view payload;
  std::shared_ptr<const FieldSchema> compiled;
  auto u = unwrap(key, keys_, compiled, payload);
  if (!u.ok()) return error::permanent(errc::decode, "key " + u.err().message);
  if (!*u) return error::permanent(errc::decode, "key is not a JSON object");
  auto p = json::parse(payload);
  if (!p.ok()) return error::permanent(errc::decode, "key: " + p.err().message);
  Value v = std::move(p).value();
  if (compiled != nullptr) {
    auto r = apply_schema(*compiled, v);
    if (!r.ok()) return error::permanent(errc::decode, "key: " + r.err().message);
  }
  if (v.type() == Type::Object) {
    auto& fs = v.as_object().fields();
    for (const Field& f : fs) fields.push_back(sym_name(f.name));
    if (fs.size() == 1) {
      out = std::move(fs[0].value);
      return {};
    }
    List l;
    l.reserve(fs.size());
    for (Field& f : fs) l.push_back(std::move(f.value));
    out = Value::list(std::move(l));
    return {};
  }
  out = std::move(v);
  return {};
}

std::shared_ptr<const SourceMeta> DebeziumDecoder::meta_for(
    const std::shared_ptr<const FieldSchema>& env, const FieldSchema* row,
    std::vector<std::string>& key_fields, std::string& connector, std::string& db,
    std::string& table, bool qualified) {
  for (size_t i = 0; i < metas_.size(); ++i) {
    MetaEntry& m = metas_[i];
    if (m.row == row && m.key_fields == key_fields && m.table == table && m.db == db &&
        m.connector == connector && m.meta->table_qualified == qualified) {
      if (i != 0) std::swap(metas_[0], metas_[i]);
      return metas_[0].meta;
    }
  }
  auto meta = std::make_shared<SourceMeta>();
  meta->connector = connector;
  meta->name = stage_;
  meta->db = db;
  meta->table = table;
  meta->table_qualified = qualified;
  meta->primary_key = key_fields;
  if (row != nullptr) {
    for (const auto& f : row->fields) {
      meta->column_names.push_back(f.field);
      meta->column_types.push_back(f.source_type);
    }
  }
  MetaEntry e;
  e.env = env;
  e.row = row;
  e.key_fields = key_fields;
  e.connector = std::move(connector);
  e.db = std::move(db);
  e.table = std::move(table);
  e.meta = meta;
  if (metas_.size() >= 256) metas_.pop_back();
  metas_.insert(metas_.begin(), std::move(e));
  return meta;
}

result<bool> DebeziumDecoder::decode(const char* key, size_t key_len, const char* value,
                                     size_t value_len, Event& out) {
  if (value == nullptr) return false;  // tombstone
  std::string_view payload;
  std::shared_ptr<const FieldSchema> env;  // held: meta entries keep their schema alive
  auto u = unwrap(std::string_view(value, value_len), values_, env, payload);
  if (!u.ok()) return u.err();
  if (!*u) return error::permanent(errc::decode, "value is not a JSON object");
  const FieldSchema* row_schema = nullptr;
  if (env != nullptr) {
    const Syms& S = syms();
    const FieldSchema* a = env->child(S.after, 1);
    if (a == nullptr) a = env->child(S.before, 0);
    if (a == nullptr) return error::permanent(errc::decode, "schema has no before/after fields");
    row_schema = a;
  }
  PayloadMembers m;
  if (auto r = read_payload(payload, m); !r.ok()) return r.err();
  auto op = read_op(m.op, out.op);
  if (!op.ok() || !*op) return op;
  if (auto r = read_images(m, row_schema, out); !r.ok()) return r.err();
  std::string connector, db, table;
  bool qualified = false;
  if (auto r = read_source(m, out, connector, db, table, qualified, last_origin_); !r.ok())
    return r.err();
  out.key = Value();
  key_fields_.clear();
  if (key != nullptr && key_len > 0) {
    auto r = decode_key(std::string_view(key, key_len), out.key, key_fields_);
    if (!r.ok()) return r.err();
  }
  out.source = meta_for(env, row_schema, key_fields_, connector, db, table, qualified);
  out.dead_letter.reset();
  return true;
}

}  // namespace sluice::operators::debezium
