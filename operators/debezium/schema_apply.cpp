#include "operators/debezium/schema_apply.h"

#include <cctype>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "base/json.h"
#include "base/temporal.h"
#include "operators/debezium/decimal_bytes.h"
#include "operators/debezium/errc.h"

namespace sluice::operators::debezium {
namespace {

error field_error(const FieldSchema& s, const std::string& what) {
  return error::permanent(errc::schema, "field '" + s.field + "': " + what);
}

result<std::string> bytes_of(const FieldSchema& s, const Value& v) {
  if (v.type() == Type::Bytes) return v.as_string();
  if (v.type() != Type::String) return field_error(s, "expected base64 bytes");
  auto b = json::base64_decode(v.as_string());
  if (!b.ok()) return field_error(s, "bad base64: " + b.err().message);
  return std::move(b).value();
}

std::optional<int64_t> int_of(const Value& v) {
  if (v.type() == Type::Int) return v.as_int();
  if (v.type() == Type::UInt && v.as_uint() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v.as_uint());
  }
  if (v.type() == Type::Decimal) {
    Decimal d = v.as_decimal();
    auto i = d.to_int64();
    if (i && Decimal::from_int(*i) == d) return i;
  }
  return std::nullopt;
}

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

result<Value> decimal_value(const FieldSchema& s, std::string_view be, int scale) {
  if (scale < 0 || scale > Decimal::kMaxScale) return field_error(s, "bad decimal scale");
  auto d = Decimal::from_be_bytes(be, scale);
  if (!d) return field_error(s, "decimal wider than 76 digits");
  return Value::decimal(*d);
}

result<Value> zoned_timestamp(const FieldSchema& s, const std::string& text) {
  // Cut fractions longer than 6 digits (nanoseconds) to microseconds.
  std::string t = text;
  size_t dot = t.find('.');
  if (dot != std::string::npos) {
    size_t end = dot + 1;
    while (end < t.size() && std::isdigit(static_cast<unsigned char>(t[end]))) ++end;
    if (end - dot - 1 > 6) t.erase(dot + 7, end - dot - 7);
  }
  auto ts = temporal::parse_timestamp(t);
  if (!ts) return field_error(s, "bad ZonedTimestamp '" + text + "'");
  return Value::timestamp(*ts);
}

// ---- logical types ----

result<void> to_decimal(const FieldSchema& s, Value& v) {
  auto b = bytes_of(s, v);
  if (!b.ok()) return b.err();
  auto d = decimal_value(s, *b, s.scale);
  if (!d.ok()) return d.err();
  v = std::move(d).value();
  return {};
}

result<void> to_uint(const FieldSchema& s, Value& v) {
  auto b = bytes_of(s, v);
  if (!b.ok()) return b.err();
  auto u = unscaled_from_bytes(*b);
  if (!u || *u < 0 || *u > static_cast<int128>(UINT64_MAX)) {
    return field_error(s, "not an unsigned 64-bit value");
  }
  v = Value::uint64(static_cast<uint64_t>(*u));
  return {};
}

result<void> to_var_decimal(const FieldSchema& s, Value& v) {
  if (v.type() != Type::Object) return field_error(s, "expected {scale, value}");
  const Value* sc = v.as_object().find(intern("scale"));
  const Value* val = v.as_object().find(intern("value"));
  if (sc == nullptr || val == nullptr || !int_of(*sc)) {
    return field_error(s, "expected {scale, value}");
  }
  auto b = bytes_of(s, *val);
  if (!b.ok()) return b.err();
  auto d = decimal_value(s, *b, static_cast<int>(*int_of(*sc)));
  if (!d.ok()) return d.err();
  v = std::move(d).value();
  return {};
}

result<void> to_date(const FieldSchema& s, Value& v) {
  auto i = int_of(v);
  if (!i) return field_error(s, "expected epoch days");
  v = Value::date(static_cast<int32_t>(*i));
  return {};
}

// A time (or timestamp) number in its logical type's unit (`ms`, `nanos`, else micros), in
// microseconds; nullopt when it is no integer.
std::optional<int64_t> micros_of(const FieldSchema& s, const Value& v, Logical ms, Logical nanos) {
  auto i = int_of(v);
  if (!i) return std::nullopt;
  return s.logical == ms ? *i * 1000 : s.logical == nanos ? floor_div(*i, 1000) : *i;
}

// Time, MicroTime, NanoTime.
result<void> to_time(const FieldSchema& s, Value& v) {
  auto us = micros_of(s, v, Logical::TimeMs, Logical::TimeNanos);
  if (!us) return field_error(s, "expected a time number");
  v = Value::time(*us);
  return {};
}

// Timestamp, MicroTimestamp, NanoTimestamp.
result<void> to_datetime(const FieldSchema& s, Value& v) {
  auto us = micros_of(s, v, Logical::TsMs, Logical::TsNanos);
  if (!us) return field_error(s, "expected an epoch timestamp number");
  v = Value::datetime(*us);
  return {};
}

result<void> to_zoned_timestamp(const FieldSchema& s, Value& v) {
  if (v.type() != Type::String) return field_error(s, "expected an ISO-8601 string");
  auto r = zoned_timestamp(s, v.as_string());
  if (!r.ok()) return r.err();
  v = std::move(r).value();
  return {};
}

result<void> to_json(const FieldSchema& s, Value& v) {
  if (v.type() != Type::String) return {};
  auto p = json::parse(v.as_string());
  if (!p.ok()) return field_error(s, "bad JSON: " + p.err().message);
  v = std::move(p).value();
  return {};
}

result<void> to_enum_set(const FieldSchema& s, Value& v) {
  if (v.type() != Type::String) return field_error(s, "expected a string");
  const std::string& t = v.as_string();
  List l;
  size_t i = 0;
  while (!t.empty() && i <= t.size()) {
    size_t j = t.find(',', i);
    if (j == std::string::npos) j = t.size();
    l.push_back(Value::string(t.substr(i, j - i)));
    i = j + 1;
  }
  v = Value::list(std::move(l));
  return {};
}

result<void> to_bits(const FieldSchema& s, Value& v) {
  auto b = bytes_of(s, v);
  if (!b.ok()) return b.err();
  if (b->size() <= 8) {
    uint64_t u = 0;
    for (size_t i = b->size(); i-- > 0;) u = (u << 8) | static_cast<unsigned char>((*b)[i]);
    v = Value::uint64(u);
  } else {
    v = Value::bytes(std::move(b).value());
  }
  return {};
}

// ---- primitive types ----

result<void> to_bytes(const FieldSchema& s, Value& v) {
  auto b = bytes_of(s, v);
  if (!b.ok()) return b.err();
  v = Value::bytes(std::move(b).value());
  return {};
}

result<void> to_float(Value& v) {
  if (v.type() == Type::Float) return {};
  if (v.type() == Type::Int) {
    v = Value::float64(static_cast<double>(v.as_int()));
  } else if (v.type() == Type::Decimal) {
    v = Value::float64(std::strtod(v.as_decimal().to_string().c_str(), nullptr));
  } else if (v.type() == Type::String) {  // "NaN", "Infinity"
    v = Value::float64(std::strtod(v.as_string().c_str(), nullptr));
  }
  return {};
}

result<void> apply_struct(const FieldSchema& s, Value& v) {
  if (v.type() != Type::Object) return field_error(s, "expected an object");
  size_t i = 0;
  for (Field& f : v.as_object().fields()) {
    const FieldSchema* c = s.child(f.name, i++);
    if (c == nullptr) continue;
    auto r = apply_schema(*c, f.value);
    if (!r.ok()) return r;
  }
  return {};
}

result<void> apply_array(const FieldSchema& s, Value& v) {
  if (v.type() != Type::List || s.items.empty()) return {};
  for (Value& e : v.as_list()) {
    auto r = apply_schema(s.items[0], e);
    if (!r.ok()) return r;
  }
  return {};
}

result<void> apply_map(const FieldSchema& s, Value& v) {
  if (v.type() != Type::Object || s.items.size() < 2) return {};
  for (Field& f : v.as_object().fields()) {
    auto r = apply_schema(s.items[1], f.value);
    if (!r.ok()) return r;
  }
  return {};
}

result<void> apply_primitive(const FieldSchema& s, Value& v) {
  switch (s.prim) {
    case Prim::Bytes:
      return to_bytes(s, v);
    case Prim::Float:
      return to_float(v);
    case Prim::Struct:
      return apply_struct(s, v);
    case Prim::Array:
      return apply_array(s, v);
    case Prim::Map:
      return apply_map(s, v);
    default:
      return {};
  }
}

}  // namespace

result<void> apply_schema(const FieldSchema& s, Value& v) {
  if (v.is_null()) return {};
  switch (s.logical) {
    case Logical::None:
    case Logical::DecimalText:  // (the encoder's only)
    case Logical::DecimalDouble:
    case Logical::UIntLong:
      break;
    case Logical::Decimal:
      return to_decimal(s, v);
    case Logical::UIntDecimal:
      return to_uint(s, v);
    case Logical::VarDecimal:
      return to_var_decimal(s, v);
    case Logical::Date:
      return to_date(s, v);
    case Logical::TimeMs:
    case Logical::TimeMicros:
    case Logical::TimeNanos:
      return to_time(s, v);
    case Logical::TsMs:
    case Logical::TsMicros:
    case Logical::TsNanos:
      return to_datetime(s, v);
    case Logical::ZonedTs:
      return to_zoned_timestamp(s, v);
    case Logical::Json:
      return to_json(s, v);
    case Logical::Enum:
      return {};
    case Logical::EnumSet:
      return to_enum_set(s, v);
    case Logical::Bits:
      return to_bits(s, v);
  }
  return apply_primitive(s, v);
}

}  // namespace sluice::operators::debezium
