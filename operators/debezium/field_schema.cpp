#include "operators/debezium/field_schema.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "operators/debezium/errc.h"

namespace sluice::operators::debezium {
namespace {

const Value* member(const Value& o, const char* name) {
  if (o.type() != Type::Object) return nullptr;
  return o.as_object().find(intern(name));
}

std::string str_member(const Value& o, const char* name) {
  const Value* v = member(o, name);
  if (v == nullptr) return {};
  if (v->type() == Type::String) return v->as_string();
  if (v->is_null()) return {};
  return v->to_display();
}

int int_param(const Value* params, const char* name, int def) {
  if (params == nullptr) return def;
  std::string s = str_member(*params, name);
  if (s.empty()) return def;
  int v = def;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() ? v : def;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Logical logical_of(const std::string& n) {
  if (n == "org.apache.kafka.connect.data.Decimal") return Logical::Decimal;
  if (n == "io.debezium.data.VariableScaleDecimal") return Logical::VarDecimal;
  if (n == "io.debezium.time.Date" || n == "org.apache.kafka.connect.data.Date") {
    return Logical::Date;
  }
  if (n == "io.debezium.time.Time" || n == "org.apache.kafka.connect.data.Time") {
    return Logical::TimeMs;
  }
  if (n == "io.debezium.time.MicroTime") return Logical::TimeMicros;
  if (n == "io.debezium.time.NanoTime") return Logical::TimeNanos;
  if (n == "io.debezium.time.Timestamp" || n == "org.apache.kafka.connect.data.Timestamp") {
    return Logical::TsMs;
  }
  if (n == "io.debezium.time.MicroTimestamp") return Logical::TsMicros;
  if (n == "io.debezium.time.NanoTimestamp") return Logical::TsNanos;
  if (n == "io.debezium.time.ZonedTimestamp") return Logical::ZonedTs;
  if (n == "io.debezium.data.Json") return Logical::Json;
  if (n == "io.debezium.data.Enum") return Logical::Enum;
  if (n == "io.debezium.data.EnumSet") return Logical::EnumSet;
  if (n == "io.debezium.data.Bits") return Logical::Bits;
  return Logical::None;
}

std::string quoted_labels(const std::string& allowed) {
  std::string out;
  size_t i = 0;
  while (i <= allowed.size()) {
    size_t j = allowed.find(',', i);
    if (j == std::string::npos) j = allowed.size();
    if (!out.empty()) out += ",";
    out += "'" + allowed.substr(i, j - i) + "'";
    i = j + 1;
  }
  return out;
}

void set_source_type(FieldSchema& f, const std::string& type, const Value* params) {
  if (params != nullptr) {
    std::string col = str_member(*params, "__debezium.source.column.type");
    if (!col.empty()) {
      std::string t = lower(col);
      std::string len = str_member(*params, "__debezium.source.column.length");
      std::string sc = str_member(*params, "__debezium.source.column.scale");
      bool sized = t.find("char") != std::string::npos || t.find("binary") != std::string::npos ||
                   t == "decimal" || t == "numeric" || t == "bit";
      if (sized && !len.empty()) t += "(" + len + (sc.empty() ? "" : "," + sc) + ")";
      f.source_type = t;
      return;
    }
  }
  switch (f.logical) {
    case Logical::Decimal:
      // Without connect.decimal.precision: MySQL's widest, DECIMAL(65, scale).
      f.source_type = "decimal(" + std::to_string(f.precision > 0 ? f.precision : 65) + "," +
                      std::to_string(f.scale) + ")";
      return;
    case Logical::UIntDecimal:
      f.source_type = "bigint unsigned";
      return;
    case Logical::VarDecimal:
      f.source_type = "";
      return;
    case Logical::Date:
      f.source_type = "date";
      return;
    case Logical::TimeMs:
      f.source_type = "time(3)";
      return;
    case Logical::TimeMicros:
    case Logical::TimeNanos:
      f.source_type = "time(6)";
      return;
    case Logical::TsMs:
      f.source_type = "datetime(3)";
      return;
    case Logical::TsMicros:
    case Logical::TsNanos:
      f.source_type = "datetime(6)";
      return;
    case Logical::ZonedTs:
      f.source_type = "timestamp(6)";
      return;
    case Logical::Json:
      f.source_type = "json";
      return;
    case Logical::Enum:
      f.source_type = "enum(" + quoted_labels(params ? str_member(*params, "allowed") : "") + ")";
      return;
    case Logical::EnumSet:
      f.source_type = "set(" + quoted_labels(params ? str_member(*params, "allowed") : "") + ")";
      return;
    case Logical::Bits:
      f.source_type = "bit(" + std::to_string(f.bits) + ")";
      return;
    case Logical::None:
    case Logical::DecimalText:  // (the encoder's only)
    case Logical::DecimalDouble:
    case Logical::UIntLong:
      break;
  }
  if (type == "int8")
    f.source_type = "tinyint";
  else if (type == "int16")
    f.source_type = "smallint";
  else if (type == "int32")
    f.source_type = "int";
  else if (type == "int64")
    f.source_type = "bigint";
  else if (type == "float32")
    f.source_type = "float";
  else if (type == "float64")
    f.source_type = "double";
  else if (type == "boolean")
    f.source_type = "boolean";
  else if (type == "string")
    f.source_type = "text";
  else if (type == "bytes")
    f.source_type = "blob";
  else
    f.source_type = "json";
}

}  // namespace

result<FieldSchema> compile_schema(const Value& schema) {
  FieldSchema f;
  if (schema.type() != Type::Object)
    return error::permanent(errc::schema, "schema is not an object");
  std::string type = str_member(schema, "type");
  f.field = str_member(schema, "field");
  f.name = intern(f.field);
  f.type_name = str_member(schema, "name");
  if (const Value* o = member(schema, "optional"); o != nullptr && o->type() == Type::Bool) {
    f.optional = o->as_bool();
  }
  if (type == "int8" || type == "int16" || type == "int32" || type == "int64") {
    f.prim = Prim::Int;
  } else if (type == "float32" || type == "float64" || type == "double" || type == "float") {
    f.prim = Prim::Float;
  } else if (type == "boolean") {
    f.prim = Prim::Bool;
  } else if (type == "string") {
    f.prim = Prim::String;
  } else if (type == "bytes") {
    f.prim = Prim::Bytes;
  } else if (type == "struct") {
    f.prim = Prim::Struct;
    if (const Value* fs = member(schema, "fields"); fs != nullptr && fs->type() == Type::List) {
      for (const Value& c : fs->as_list()) {
        auto cf = compile_schema(c);
        if (!cf.ok()) return cf.err();
        f.fields.push_back(std::move(cf).value());
      }
    }
  } else if (type == "array") {
    f.prim = Prim::Array;
    if (const Value* it = member(schema, "items"); it != nullptr) {
      auto cf = compile_schema(*it);
      if (!cf.ok()) return cf.err();
      f.items.push_back(std::move(cf).value());
    }
  } else if (type == "map") {
    f.prim = Prim::Map;
    const Value* ks = member(schema, "keys");
    const Value* vs = member(schema, "values");
    if (ks != nullptr && vs != nullptr) {
      auto k = compile_schema(*ks);
      auto v = compile_schema(*vs);
      if (!k.ok()) return k.err();
      if (!v.ok()) return v.err();
      f.items.push_back(std::move(k).value());
      f.items.push_back(std::move(v).value());
    }
  }
  const Value* params = member(schema, "parameters");
  f.logical = logical_of(f.type_name);
  if (f.logical == Logical::Decimal) {
    f.scale = int_param(params, "scale", 0);
    f.precision = int_param(params, "connect.decimal.precision", 0);
    std::string col = params ? lower(str_member(*params, "__debezium.source.column.type")) : "";
    if (f.scale == 0 && col == "bigint unsigned") f.logical = Logical::UIntDecimal;
  } else if (f.logical == Logical::Bits) {
    f.bits = int_param(params, "length", 0);
  }
  set_source_type(f, type, params);
  return f;
}

}  // namespace sluice::operators::debezium
