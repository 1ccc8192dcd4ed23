#include "operators/debezium/debezium_encoder.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "base/json.h"
#include "base/temporal.h"
#include "operators/debezium/decimal_bytes.h"
#include "operators/debezium/errc.h"
#include "operators/debezium/field_schema.h"

namespace sluice::operators::debezium {
namespace {

struct EncType {
  Logical logical = Logical::None;
  const char* type = "string";
  int scale = 0;
  int precision = 0;
  int bits = 0;
  std::string allowed;  // enum / set labels "a,b"
};

std::string lower(std::string_view s) {
  std::string o(s);
  std::transform(o.begin(), o.end(), o.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return o;
}

bool starts(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

// "(15,2)" -> 15, 2
void type_args(const std::string& t, int& a, int& b) {
  size_t open = t.find('(');
  if (open == std::string::npos) return;
  const char* p = t.data() + open + 1;
  const char* end = t.data() + t.size();
  auto r = std::from_chars(p, end, a);
  if (r.ptr < end && *r.ptr == ',') std::from_chars(r.ptr + 1, end, b);
}

// enum('a','b') -> "a,b"
std::string labels(const std::string& t) {
  std::string out;
  size_t open = t.find('(');
  if (open == std::string::npos) return out;
  bool in = false;
  for (size_t i = open + 1; i < t.size(); ++i) {
    char c = t[i];
    if (c == '\'') {
      if (in && i + 1 < t.size() && t[i + 1] == '\'') {
        out.push_back('\'');
        ++i;
        continue;
      }
      in = !in;
      continue;
    }
    if (in)
      out.push_back(c);
    else if (c == ',')
      out.push_back(',');
  }
  return out;
}

bool from_column_type(const std::string& col, EncType& t) {
  std::string c = lower(col);
  if (c.empty()) return false;
  bool uns = c.find("unsigned") != std::string::npos;
  if (starts(c, "decimal") || starts(c, "numeric") || starts(c, "fixed")) {
    t.logical = Logical::Decimal;
    t.type = "bytes";
    t.precision = 10;
    t.scale = 0;
    type_args(c, t.precision, t.scale);
    return true;
  }
  if (starts(c, "bigint")) {
    if (uns) {
      t.logical = Logical::UIntDecimal;
      t.type = "bytes";
      t.precision = 20;
    } else {
      t.type = "int64";
    }
    return true;
  }
  if (starts(c, "tinyint(1)") || starts(c, "bool")) {
    t.type = "boolean";
    return true;
  }
  if (starts(c, "tinyint") || starts(c, "smallint")) {
    t.type = uns && starts(c, "smallint") ? "int32" : "int16";
    return true;
  }
  if (starts(c, "mediumint") || starts(c, "int")) {
    t.type = uns && starts(c, "int") ? "int64" : "int32";
    return true;
  }
  if (starts(c, "float") || starts(c, "double") || starts(c, "real")) {
    t.type = "float64";
    return true;
  }
  if (starts(c, "datetime")) {
    t.logical = Logical::TsMicros;
    t.type = "int64";
    return true;
  }
  if (starts(c, "timestamp")) {
    t.logical = Logical::ZonedTs;
    t.type = "string";
    return true;
  }
  if (starts(c, "date")) {
    t.logical = Logical::Date;
    t.type = "int32";
    return true;
  }
  if (starts(c, "time")) {
    t.logical = Logical::TimeMicros;
    t.type = "int64";
    return true;
  }
  if (starts(c, "year")) {
    t.type = "int32";
    return true;
  }
  if (starts(c, "json")) {
    t.logical = Logical::Json;
    t.type = "string";
    return true;
  }
  if (starts(c, "enum")) {
    t.logical = Logical::Enum;
    t.type = "string";
    t.allowed = labels(col);
    return true;
  }
  if (starts(c, "set")) {
    t.logical = Logical::EnumSet;
    t.type = "string";
    t.allowed = labels(col);
    return true;
  }
  if (starts(c, "bit")) {
    t.logical = Logical::Bits;
    t.type = "bytes";
    t.bits = 1;
    type_args(c, t.bits, t.bits);
    return true;
  }
  return false;  // strings, blobs: decided by the value
}

void from_value(const Value& v, EncType& t) {
  switch (v.type()) {
    case Type::Null:
      t.type = "string";
      return;
    case Type::Bool:
      t.type = "boolean";
      return;
    case Type::Int:
      t.type = "int64";
      return;
    case Type::UInt:
      t.logical = Logical::UIntDecimal;
      t.type = "bytes";
      t.precision = 20;
      return;
    case Type::Float:
      t.type = "float64";
      return;
    case Type::Decimal:
      t.logical = Logical::Decimal;
      t.type = "bytes";
      t.scale = v.as_decimal().scale();
      t.precision = 0;
      return;
    case Type::String:
      t.type = "string";
      return;
    case Type::Bytes:
      t.type = "bytes";
      return;
    case Type::Date:
      t.logical = Logical::Date;
      t.type = "int32";
      return;
    case Type::Time:
      t.logical = Logical::TimeMicros;
      t.type = "int64";
      return;
    case Type::DateTime:
      t.logical = Logical::TsMicros;
      t.type = "int64";
      return;
    case Type::Timestamp:
      t.logical = Logical::ZonedTs;
      t.type = "string";
      return;
    case Type::Object:
    case Type::List:
      t.logical = Logical::Json;
      t.type = "string";
      return;
  }
}

const char* logical_name(Logical l) {
  switch (l) {
    case Logical::Decimal:
    case Logical::UIntDecimal:
      return "org.apache.kafka.connect.data.Decimal";
    case Logical::Date:
      return "io.debezium.time.Date";
    case Logical::TimeMicros:
      return "io.debezium.time.MicroTime";
    case Logical::TsMicros:
      return "io.debezium.time.MicroTimestamp";
    case Logical::ZonedTs:
      return "io.debezium.time.ZonedTimestamp";
    case Logical::Json:
      return "io.debezium.data.Json";
    case Logical::Enum:
      return "io.debezium.data.Enum";
    case Logical::EnumSet:
      return "io.debezium.data.EnumSet";
    case Logical::Bits:
      return "io.debezium.data.Bits";
    default:
      return nullptr;
  }
}

void append_field_schema(const std::string& name, const EncType& t, bool optional,
                         std::string& out) {
  out += "{\"type\":\"";
  out += t.type;
  out += "\",\"optional\":";
  out += optional ? "true" : "false";
  if (const char* ln = logical_name(t.logical)) {
    out += ",\"name\":\"";
    out += ln;
    out += "\",\"version\":1";
    if (t.logical == Logical::Decimal || t.logical == Logical::UIntDecimal) {
      out += ",\"parameters\":{\"scale\":\"" + std::to_string(t.scale) + "\"";
      if (t.precision > 0) {
        out += ",\"connect.decimal.precision\":\"" + std::to_string(t.precision) + "\"";
      }
      if (t.logical == Logical::UIntDecimal) {
        out += ",\"__debezium.source.column.type\":\"BIGINT UNSIGNED\"";
      }
      out += "}";
    } else if (t.logical == Logical::Enum || t.logical == Logical::EnumSet) {
      out += ",\"parameters\":{\"allowed\":";
      json::encode_string(t.allowed, out);
      out += "}";
    } else if (t.logical == Logical::Bits) {
      out += ",\"parameters\":{\"length\":\"" + std::to_string(t.bits) + "\"}";
    }
  }
  out += ",\"field\":";
  json::encode_string(name, out);
  out += "}";
}

error mismatch(Sym name, const Value& v, const char* want) {
  return error::permanent(errc::encode, "field '" + sym_name(name) + "': a " + type_name(v.type()) +
                                            " value does not fit Debezium type " + want);
}

void append_b64(const std::string& bytes, std::string& out) {
  out.push_back('"');
  out += json::base64_encode(bytes);
  out.push_back('"');
}

result<void> append_decimal(Sym name, const Value& v, const EncType& t, std::string& out) {
  Decimal d;
  if (v.type() == Type::Decimal)
    d = v.as_decimal();
  else if (v.type() == Type::Int)
    d = Decimal::from_int(v.as_int());
  else if (v.type() == Type::UInt)
    d = Decimal(static_cast<int128>(v.as_uint()), 0);
  else
    return mismatch(name, v, "Decimal");
  auto r = d.rescale(t.scale);
  if (!r || r->compare(d) != 0) return mismatch(name, v, "Decimal (scale)");
  append_b64(r->to_be_bytes(), out);
  return {};
}

result<void> append_uint_decimal(Sym name, const Value& v, std::string& out) {
  int128 u;
  if (v.type() == Type::UInt)
    u = v.as_uint();
  else if (v.type() == Type::Int && v.as_int() >= 0)
    u = v.as_int();
  else
    return mismatch(name, v, "BIGINT UNSIGNED");
  append_b64(unscaled_to_bytes(u), out);
  return {};
}

// Date, MicroTime, MicroTimestamp and ZonedTimestamp.
result<void> append_temporal(Sym name, const Value& v, const EncType& t, std::string& out) {
  switch (t.logical) {
    case Logical::Date:
      if (v.type() != Type::Date) return mismatch(name, v, "Date");
      out += std::to_string(v.as_date());
      return {};
    case Logical::TimeMicros:
      if (v.type() != Type::Time) return mismatch(name, v, "MicroTime");
      out += std::to_string(v.as_micros());
      return {};
    case Logical::TsMicros:
      if (v.type() != Type::DateTime && v.type() != Type::Timestamp) {
        return mismatch(name, v, "MicroTimestamp");
      }
      out += std::to_string(v.as_micros());
      return {};
    default:  // ZonedTs
      if (v.type() != Type::Timestamp && v.type() != Type::DateTime) {
        return mismatch(name, v, "ZonedTimestamp");
      }
      out.push_back('"');
      out += temporal::format_datetime(v.as_micros());
      out += "Z\"";
      return {};
  }
}

void append_json(const Value& v, std::string& out) {
  if (v.type() == Type::String) {
    json::encode_string(v.as_string(), out);
  } else {
    json::encode_string(json::encode(v), out);
  }
}

result<void> append_enum_set(Sym name, const Value& v, std::string& out) {
  if (v.type() == Type::String) {
    json::encode_string(v.as_string(), out);
    return {};
  }
  if (v.type() != Type::List) return mismatch(name, v, "EnumSet");
  std::string s;
  for (const Value& e : v.as_list()) {
    if (!s.empty()) s.push_back(',');
    s += e.type() == Type::String ? e.as_string() : e.to_display();
  }
  json::encode_string(s, out);
  return {};
}

result<void> append_bits(Sym name, const Value& v, const EncType& t, std::string& out) {
  if (v.type() == Type::Bytes) {
    append_b64(v.as_string(), out);
    return {};
  }
  if (v.type() != Type::UInt && v.type() != Type::Int) return mismatch(name, v, "Bits");
  uint64_t u = v.type() == Type::UInt ? v.as_uint() : static_cast<uint64_t>(v.as_int());
  size_t n = static_cast<size_t>((std::max(t.bits, 1) + 7) / 8);
  std::string b;
  for (size_t i = 0; i < n; ++i) b.push_back(static_cast<char>(i < 8 ? (u >> (8 * i)) & 0xff : 0));
  append_b64(b, out);
  return {};
}

// A value of a type without a logical type: booleans and integers converted into each other,
// other values as text for a string, else as they are (bytes as base64).
result<void> append_primitive(Sym name, const Value& v, const EncType& t, std::string& out) {
  const std::string_view type = t.type;
  if (type == "boolean" && v.type() != Type::Bool) {
    if (v.type() == Type::Int) {
      out += v.as_int() != 0 ? "true" : "false";
      return {};
    }
    return mismatch(name, v, "boolean");
  }
  if ((type == "int16" || type == "int32" || type == "int64") && v.type() != Type::Int &&
      v.type() != Type::UInt) {
    if (v.type() == Type::Bool) {
      out += v.as_bool() ? "1" : "0";
      return {};
    }
    return mismatch(name, v, t.type);
  }
  if (type == "float64" && !v.is_numeric()) return mismatch(name, v, "float64");
  if (type == "string" && v.type() != Type::String) {
    json::encode_string(v.to_display(), out);
    return {};
  }
  json::encode(v, out);  // bytes -> base64, numbers as they are
  return {};
}

result<void> append_value(Sym name, const Value& v, const EncType& t, std::string& out) {
  if (v.is_null()) {
    out += "null";
    return {};
  }
  switch (t.logical) {
    case Logical::Decimal:
      return append_decimal(name, v, t, out);
    case Logical::UIntDecimal:
      return append_uint_decimal(name, v, out);
    case Logical::Date:
    case Logical::TimeMicros:
    case Logical::TsMicros:
    case Logical::ZonedTs:
      return append_temporal(name, v, t, out);
    case Logical::Json:
      append_json(v, out);
      return {};
    case Logical::EnumSet:
      return append_enum_set(name, v, out);
    case Logical::Bits:
      return append_bits(name, v, t, out);
    default:
      return append_primitive(name, v, t, out);
  }
}

struct Column {
  Sym name;
  EncType type;
};

const std::string* column_type(const SourceMeta* m, Sym name) {
  if (m == nullptr) return nullptr;
  const std::string& n = sym_name(name);
  for (size_t i = 0; i < m->column_names.size() && i < m->column_types.size(); ++i) {
    if (m->column_names[i] == n) return &m->column_types[i];
  }
  return nullptr;
}

void add_columns(const Object& row, const SourceMeta* meta, std::vector<Column>& cols) {
  for (const Field& f : row.fields()) {
    auto it =
        std::find_if(cols.begin(), cols.end(), [&](const Column& c) { return c.name == f.name; });
    if (it != cols.end()) {
      if (it->type.logical == Logical::None && std::string_view(it->type.type) == "string" &&
          !f.value.is_null() && column_type(meta, f.name) == nullptr) {
        from_value(f.value, it->type);
      }
      continue;
    }
    Column c;
    c.name = f.name;
    const std::string* ct = column_type(meta, f.name);
    if (ct == nullptr || !from_column_type(*ct, c.type)) from_value(f.value, c.type);
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

const char kSourceSchema[] =
    "{\"type\":\"struct\",\"fields\":["
    "{\"type\":\"string\",\"optional\":false,\"field\":\"version\"},"
    "{\"type\":\"string\",\"optional\":false,\"field\":\"connector\"},"
    "{\"type\":\"string\",\"optional\":false,\"field\":\"name\"},"
    "{\"type\":\"int64\",\"optional\":false,\"field\":\"ts_ms\"},"
    "{\"type\":\"string\",\"optional\":true,\"name\":\"io.debezium.data.Enum\",\"version\":1,"
    "\"parameters\":{\"allowed\":\"true,last,false,incremental\"},\"default\":\"false\","
    "\"field\":\"snapshot\"},"
    "{\"type\":\"string\",\"optional\":false,\"field\":\"db\"},"
    "{\"type\":\"string\",\"optional\":true,\"field\":\"table\"},"
    "{\"type\":\"string\",\"optional\":true,\"field\":\"position\"}],"
    "\"optional\":false,\"name\":\"io.debezium.connector.sluice.Source\",\"field\":\"source\"}";

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
  add_columns(k, e.source.get(), cols);
  out += "{\"schema\":{\"type\":\"struct\",\"fields\":[";
  for (size_t i = 0; i < cols.size(); ++i) {
    if (i) out.push_back(',');
    append_field_schema(sym_name(cols[i].name), cols[i].type, false, out);
  }
  out += "],\"optional\":false,\"name\":";
  json::encode_string(schema_prefix(server_, e) + ".Key", out);
  out += "},\"payload\":";
  size_t mark = out.size();
  if (!append_row(k, cols, out).ok()) {  // a key value that does not fit: write it plainly
    out.resize(mark);
    out += json::encode(Value::object(k));
  }
  out += "}";
  return true;
}

result<void> DebeziumEncoder::encode_value(const Event& e, std::string& out) const {
  const SourceMeta* meta = e.source.get();
  std::vector<Column> cols;
  add_columns(e.row, meta, cols);
  if (e.has_before) add_columns(e.before, meta, cols);
  const std::string prefix = schema_prefix(server_, e);
  std::string row_schema = "{\"type\":\"struct\",\"fields\":[";
  for (size_t i = 0; i < cols.size(); ++i) {
    if (i) row_schema.push_back(',');
    append_field_schema(sym_name(cols[i].name), cols[i].type, true, row_schema);
  }
  row_schema += "],\"optional\":true,\"name\":";
  json::encode_string(prefix + ".Value", row_schema);
  out += "{\"schema\":{\"type\":\"struct\",\"fields\":[";
  out += row_schema;
  out += ",\"field\":\"before\"},";
  out += row_schema;
  out += ",\"field\":\"after\"},";
  out += kSourceSchema;
  out +=
      ",{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},"
      "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ms\"},";
  out += kTxSchema;
  out += "],\"optional\":false,\"name\":";
  json::encode_string(prefix + ".Envelope", out);
  out += ",\"version\":1},\"payload\":{\"before\":";
  // Truncate (Debezium's op "t"): no row, before and after are null.
  const Object* before = e.op == Op::Truncate ? nullptr
                         : e.op == Op::Delete ? &e.row
                                              : (e.has_before ? &e.before : nullptr);
  const Object* after = e.op == Op::Delete || e.op == Op::Truncate ? nullptr : &e.row;
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
  const int64_t ts_ms = e.ts / 1000;
  out += ",\"source\":{\"version\":\"sluice-0.1\",\"connector\":";
  json::encode_string(meta && !meta->connector.empty() ? meta->connector : "sluice", out);
  out += ",\"name\":";
  json::encode_string(server_, out);
  out += ",\"ts_ms\":" + std::to_string(ts_ms) + ",\"snapshot\":";
  out += e.op == Op::Read ? "\"true\"" : "\"false\"";
  out += ",\"db\":";
  json::encode_string(meta ? meta->db : "", out);
  out += ",\"table\":";
  if (meta && !meta->table.empty())
    json::encode_string(meta->table, out);
  else
    out += "null";
  out += ",\"position\":";
  if (e.position.is_null())
    out += "null";
  else
    json::encode_string(json::encode(e.position), out);
  out += "},\"op\":\"";
  out += op_code(e.op);
  out +=
      "\",\"ts_ms\":" + std::to_string(temporal::now_micros() / 1000) + ",\"transaction\":null}}";
  return {};
}

}  // namespace sluice::operators::debezium
