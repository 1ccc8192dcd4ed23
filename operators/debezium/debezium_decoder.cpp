#include "operators/debezium/debezium_decoder.h"

#include <charconv>
#include <cstdint>

#include "engine/value/json.h"
#include "operators/debezium/json_members.h"

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

}  // namespace

result<void> DebeziumDecoder::decode_key(std::string_view key, Value& out,
                                         std::vector<std::string>& fields) {
  fields.clear();
  std::string_view schema, payload;
  std::shared_ptr<const FieldSchema> compiled;
  if (!fast_envelope(key, keys_, compiled, payload)) {
    bool enveloped = false;
    if (!split_envelope(key, schema, payload, enveloped)) {
      return error::permanent("key is not a JSON object");
    }
    if (!schema.empty()) {
      auto s = keys_.get(schema);
      if (!s.ok()) return error::permanent("key " + s.err().message);
      compiled = std::move(s).value();
    }
  }
  auto p = json::parse(payload);
  if (!p.ok()) return error::permanent("key: " + p.err().message);
  Value v = std::move(p).value();
  if (compiled != nullptr) {
    auto r = apply_schema(*compiled, v);
    if (!r.ok()) return error::permanent("key: " + r.err().message);
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
    std::string& table) {
  for (size_t i = 0; i < metas_.size(); ++i) {
    MetaEntry& m = metas_[i];
    if (m.row == row && m.key_fields == key_fields && m.table == table && m.db == db &&
        m.connector == connector) {
      if (i != 0) std::swap(metas_[0], metas_[i]);
      return metas_[0].meta;
    }
  }
  auto meta = std::make_shared<SourceMeta>();
  meta->connector = connector;
  meta->name = stage_;
  meta->db = db;
  meta->table = table;
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
  const Syms& S = syms();
  std::string_view schema, payload;
  std::shared_ptr<const FieldSchema> env;  // held: meta entries keep their schema alive
  if (!fast_envelope(std::string_view(value, value_len), values_, env, payload)) {
    bool enveloped = false;
    if (!split_envelope(std::string_view(value, value_len), schema, payload, enveloped)) {
      return error::permanent("value is not a JSON object");
    }
    if (!schema.empty()) {
      auto s = values_.get(schema);
      if (!s.ok()) return s.err();
      env = std::move(s).value();
    }
  }
  const FieldSchema* row_schema = nullptr;
  if (env != nullptr) {
    const FieldSchema* a = env->child(S.after, 1);
    if (a == nullptr) a = env->child(S.before, 0);
    if (a == nullptr) return error::permanent("schema has no before/after fields");
    row_schema = a;
  }
  // The payload's members, found without building Values for the parts not needed (the
  // source block has ~15 fields of which 5 are read); before/after are parsed in full.
  std::string_view op_t, before_t, after_t, source_t, ts_t;
  {
    JsonMembers pm(payload);
    if (!pm.ok()) return error::permanent("payload is not an object");
    while (pm.next()) {
      std::string_view n = pm.name();
      if (n == "op")
        op_t = pm.value();
      else if (n == "before")
        before_t = pm.value();
      else if (n == "after")
        after_t = pm.value();
      else if (n == "source")
        source_t = pm.value();
      else if (n == "ts_ms")
        ts_t = pm.value();
    }
    if (!pm.ends_cleanly()) return error::permanent("payload: malformed JSON object");
  }
  if (op_t.size() != 3 || op_t[0] != '"' || op_t[2] != '"') {
    return error::permanent("payload has no op");
  }
  char op = op_t[1];
  switch (op) {
    case 'c':
      out.op = Op::Create;
      break;
    case 'u':
      out.op = Op::Update;
      break;
    case 'd':
      out.op = Op::Delete;
      break;
    case 'r':
      out.op = Op::Read;
      break;
    case 't':
      out.op = Op::Truncate;
      break;  // the table of `source`, no row
    case 'm':
      return false;
    default:
      return error::permanent(std::string("unknown op '") + op + "'");
  }
  Value before_v, after_v;
  auto image = [&](std::string_view text, Value& v, const char* what) -> result<void> {
    if (text.empty() || text == "null") return {};
    auto parsed = json::parse(text);
    if (!parsed.ok())
      return error::permanent(std::string("payload.") + what + ": " + parsed.err().message);
    v = std::move(parsed).value();
    if (row_schema != nullptr) {
      auto r = apply_schema(*row_schema, v);
      if (!r.ok()) return error::permanent(std::string(what) + "." + r.err().message);
    }
    return {};
  };
  // A delete needs only before; other ops need after (and before for updates); a truncate
  // neither.
  if (out.op == Op::Delete || out.op == Op::Update) {
    if (auto r = image(before_t, before_v, "before"); !r.ok()) return r.err();
  }
  if (out.op != Op::Delete && out.op != Op::Truncate) {
    if (auto r = image(after_t, after_v, "after"); !r.ok()) return r.err();
  }
  bool has_before = before_v.type() == Type::Object;
  bool has_after = after_v.type() == Type::Object;
  out.has_before = false;
  out.before.clear();
  if (out.op == Op::Truncate) {
    out.row.clear();
  } else if (out.op == Op::Delete) {
    if (!has_before) return error::permanent("delete without before");
    out.row = std::move(before_v.as_object());
  } else {
    if (!has_after) return error::permanent("no after image");
    out.row = std::move(after_v.as_object());
    if (out.op == Op::Update && has_before) {
      out.before = std::move(before_v.as_object());
      out.has_before = true;
    }
  }

  std::string connector, db, table;
  out.ts = 0;
  if (!source_t.empty() && source_t.front() == '{') {
    std::string sch;
    JsonMembers sm(source_t);
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
    }
    if (!sm.ok()) return error::permanent("payload.source: malformed JSON object");
    if (!sch.empty() && !table.empty()) table = sch + "." + table;
  }
  if (out.ts == 0) out.ts = micros_of_millis(int_member(ts_t));
  out.key = Value();
  key_fields_.clear();
  if (key != nullptr && key_len > 0) {
    auto r = decode_key(std::string_view(key, key_len), out.key, key_fields_);
    if (!r.ok()) return r.err();
  }
  out.source = meta_for(env, row_schema, key_fields_, connector, db, table);
  out.dead_letter.reset();
  return true;
}

}  // namespace sluice::operators::debezium
