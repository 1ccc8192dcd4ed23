#include "operators/debezium/debezium_encoder.h"

#include <algorithm>

#include "base/json.h"
#include "base/temporal.h"
#include "operators/debezium/column_mapping.h"
#include "operators/debezium/source_block.h"
#include "operators/debezium/value_writer.h"

namespace sluice::operators::debezium {
namespace {

struct Column {
  Sym name;
  EncType type;
  bool not_null = false;
};

// The column's type text and NOT NULL from the source's metadata; false when it has none.
bool column_info(const SourceMeta* m, Sym name, const std::string*& type, bool& not_null) {
  if (m == nullptr) return false;
  const std::string& n = sym_name(name);
  for (size_t i = 0; i < m->column_names.size() && i < m->column_types.size(); ++i) {
    if (m->column_names[i] != n) continue;
    type = &m->column_types[i];
    not_null = i < m->column_not_null.size() && m->column_not_null[i];
    return true;
  }
  return false;
}

void add_columns(const Object& row, const SourceMeta* meta, const EncoderOptions& o,
                 std::vector<Column>& cols) {
  for (const Field& f : row.fields()) {
    const std::string* ct = nullptr;
    bool not_null = false;
    const bool known = column_info(meta, f.name, ct, not_null);
    auto it =
        std::find_if(cols.begin(), cols.end(), [&](const Column& c) { return c.name == f.name; });
    if (it != cols.end()) {
      if (it->type.logical == Logical::None && std::string_view(it->type.type) == "string" &&
          !f.value.is_null() && !known) {
        from_value(f.value, o, it->type);
      }
      continue;
    }
    Column c;
    c.name = f.name;
    c.not_null = not_null;
    if (!known || !from_column_type(*ct, o, c.type)) from_value(f.value, o, c.type);
    cols.push_back(std::move(c));
  }
}

result<void> append_row(const Object& row, const std::vector<Column>& cols, std::string& out) {
  out.push_back('{');
  bool first = true;
  for (const Column& c : cols) {
    if (!first) out.push_back(',');
    first = false;
    json::encode_string(sym_name(c.name), out);
    out.push_back(':');
    const Value* v = row.find(c.name);
    if (v == nullptr) {
      out += "null";
      continue;
    }
    auto r = append_value(c.name, *v, c.type, out);
    if (!r.ok()) return r;
  }
  out.push_back('}');
  return {};
}

std::string schema_prefix(const std::string& server, const Event& e) {
  std::string p = server;
  if (e.source) {
    if (!e.source->db.empty()) p += "." + e.source->db;
    if (!e.source->table.empty()) p += "." + e.source->table;
  }
  return p;
}

const char kTxSchema[] =
    "{\"type\":\"struct\",\"fields\":["
    "{\"type\":\"string\",\"optional\":false,\"field\":\"id\"},"
    "{\"type\":\"int64\",\"optional\":false,\"field\":\"total_order\"},"
    "{\"type\":\"int64\",\"optional\":false,\"field\":\"data_collection_order\"}],"
    "\"optional\":true,\"name\":\"event.block\",\"version\":1,\"field\":\"transaction\"}";

}  // namespace

bool key_columns(const Event& e, Object& out) {
  out.clear();
  const SourceMeta* m = e.source.get();
  if (m != nullptr && !m->primary_key.empty()) {
    const auto& pk = m->primary_key;
    if (!e.key.is_null()) {
      if (pk.size() == 1) {
        out.append(intern(pk[0]), e.key);
        return true;
      }
      if (e.key.type() == Type::List && e.key.as_list().size() == pk.size()) {
        for (size_t i = 0; i < pk.size(); ++i) out.append(intern(pk[i]), e.key.as_list()[i]);
        return true;
      }
    } else {
      for (const auto& k : pk) {
        const Value* v = e.row.find(intern(k));
        out.append(intern(k), v ? *v : Value());
      }
      return true;
    }
  }
  if (e.key.is_null()) return false;
  if (e.key.type() == Type::List) {
    for (size_t i = 0; i < e.key.as_list().size(); ++i) {
      out.append(intern("key" + std::to_string(i)), e.key.as_list()[i]);
    }
  } else {
    out.append(intern("key"), e.key);
  }
  return true;
}

std::string DebeziumEncoder::default_topic(const Event& e) const {
  return schema_prefix(server_, e);
}

bool DebeziumEncoder::encode_key(const Event& e, std::string& out) const {
  Object k;
  if (!key_columns(e, k)) return false;
  std::vector<Column> cols;
  add_columns(k, e.source.get(), opts_, cols);
  if (opts_.schemas) {
    out += "{\"schema\":{\"type\":\"struct\",\"fields\":[";
    for (size_t i = 0; i < cols.size(); ++i) {
      if (i) out.push_back(',');
      append_field_schema(sym_name(cols[i].name), cols[i].type, false, out);
    }
    out += "],\"optional\":false,\"name\":";
    json::encode_string(schema_prefix(server_, e) + ".Key", out);
    out += "},\"payload\":";
  }
  size_t mark = out.size();
  if (!append_row(k, cols, out).ok()) {  // a key value that does not fit: write it plainly
    out.resize(mark);
    out += json::encode(Value::object(k));
  }
  if (opts_.schemas) out += "}";
  return true;
}

namespace {

// The Envelope's schema (Debezium 2.7: before, after, source, transaction, op, ts_ms, ts_us,
// ts_ns; version 2).
void append_envelope_schema(const std::string& server, const Event& e,
                            const std::vector<Column>& cols, std::string& out) {
  const std::string prefix = schema_prefix(server, e);
  std::string row_schema = "{\"type\":\"struct\",\"fields\":[";
  for (size_t i = 0; i < cols.size(); ++i) {
    if (i) row_schema.push_back(',');
    append_field_schema(sym_name(cols[i].name), cols[i].type, !cols[i].not_null, row_schema);
  }
  row_schema += "],\"optional\":true,\"name\":";
  json::encode_string(prefix + ".Value", row_schema);
  out += "{\"type\":\"struct\",\"fields\":[";
  out += row_schema;
  out += ",\"field\":\"before\"},";
  out += row_schema;
  out += ",\"field\":\"after\"},";
  out += source_schema(e);
  out += ",";
  out += kTxSchema;
  out +=
      ",{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},"
      "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ms\"},"
      "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_us\"},"
      "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ns\"}],"
      "\"optional\":false,\"name\":";
  json::encode_string(prefix + ".Envelope", out);
  out += ",\"version\":2}";
}

}  // namespace

result<void> DebeziumEncoder::encode_value(const Event& e, std::string& out,
                                           const TxBlock* tx) const {
  const SourceMeta* meta = e.source.get();
  std::vector<Column> cols;
  add_columns(e.row, meta, opts_, cols);
  if (e.has_before) add_columns(e.before, meta, opts_, cols);
  if (opts_.schemas) {
    out += "{\"schema\":";
    append_envelope_schema(server_, e, cols, out);
    out += ",\"payload\":";
  }
  // Truncate (Debezium's op "t"): no row, before and after are null.
  const Object* before = e.op == Op::Truncate ? nullptr
                         : e.op == Op::Delete ? &e.row
                                              : (e.has_before ? &e.before : nullptr);
  const Object* after = e.op == Op::Delete || e.op == Op::Truncate ? nullptr : &e.row;
  out += "{\"before\":";
  if (before == nullptr) {
    out += "null";
  } else {
    auto r = append_row(*before, cols, out);
    if (!r.ok()) return r;
  }
  out += ",\"after\":";
  if (after == nullptr) {
    out += "null";
  } else {
    auto r = append_row(*after, cols, out);
    if (!r.ok()) return r;
  }
  out += ",\"source\":";
  append_source(e, server_, out);
  out += ",\"transaction\":";
  if (tx == nullptr)
    out += "null";
  else
    append_tx_block(*tx, out);
  out += ",\"op\":\"";
  out += op_code(e.op);
  const int64_t now = temporal::now_micros();
  out += "\",\"ts_ms\":" + std::to_string(now / 1000) + ",\"ts_us\":" + std::to_string(now) +
         ",\"ts_ns\":" + std::to_string(now * 1000) + "}";
  if (opts_.schemas) out += "}";
  return {};
}

}  // namespace sluice::operators::debezium
