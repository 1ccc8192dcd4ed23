#include "operators/debezium/value_writer.h"

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/json.h"
#include "base/temporal.h"
#include "operators/debezium/decimal_bytes.h"
#include "operators/debezium/errc.h"

namespace sluice::operators::debezium {
namespace {

error mismatch(Sym name, const Value& v, const std::string& want) {
  return error::permanent(errc::encode, "field '" + sym_name(name) + "': a " + type_name(v.type()) +
                                            " value does not fit Debezium type " + want);
}

void append_b64(const std::string& bytes, std::string& out) {
  out.push_back('"');
  out += json::base64_encode(bytes);
  out.push_back('"');
}

std::optional<Decimal> as_decimal(const Value& v) {
  if (v.type() == Type::Decimal) return v.as_decimal();
  if (v.type() == Type::Int) return Decimal::from_int(v.as_int());
  if (v.type() == Type::UInt) return Decimal(static_cast<int128>(v.as_uint()), 0);
  return std::nullopt;
}

result<void> append_decimal(Sym name, const Value& v, const EncType& t, std::string& out) {
  auto d = as_decimal(v);
  if (!d) return mismatch(name, v, "Decimal");
  if (t.logical == Logical::DecimalText) {
    json::encode_string(d->to_string(), out);
    return {};
  }
  if (t.logical == Logical::DecimalDouble) {  // decimal = double: the user asked for a double
    json::encode(Value::float64(d->to_double()), out);
    return {};
  }
  auto r = d->rescale(t.scale);
  if (!r || r->compare(*d) != 0)
    return mismatch(name, v, "Decimal (scale " + std::to_string(t.scale) + ")");
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

result<void> append_uint_long(Sym name, const Value& v, std::string& out) {
  if (v.type() == Type::Int) {
    out += std::to_string(v.as_int());
    return {};
  }
  if (v.type() != Type::UInt) return mismatch(name, v, "int64");
  if (v.as_uint() > static_cast<uint64_t>(INT64_MAX)) {
    return error::permanent(errc::encode,
                            "field '" + sym_name(name) + "': BIGINT UNSIGNED value " +
                                std::to_string(v.as_uint()) +
                                " does not fit Debezium's int64 (bigint_unsigned = long); set "
                                "bigint_unsigned = precise on the sink");
  }
  out += std::to_string(v.as_uint());
  return {};
}

// Milliseconds of a micros value that has none finer; else an error (nothing is truncated).
result<void> append_millis(Sym name, int64_t micros, const char* type, std::string& out) {
  if (micros % 1000 != 0) {
    return error::permanent(
        errc::encode, "field '" + sym_name(name) + "': " + std::string(type) +
                          " holds milliseconds; the value has microseconds (" +
                          std::to_string(micros) +
                          " us): use time_precision = adaptive_time_microseconds on the sink");
  }
  out += std::to_string(micros / 1000);
  return {};
}

// MySQL's TIME text ("[-]HHH:MM:SS[.ffffff]", -838:59:59 to 838:59:59, as the mysql source
// reads it) in microseconds, as Debezium writes a TIME (a duration); nullopt if it is not one.
std::optional<int64_t> time_text_micros(std::string_view s) {
  bool neg = !s.empty() && s[0] == '-';
  if (neg) s.remove_prefix(1);
  int64_t h = 0, m = 0, sec = 0, frac = 0;
  const char* p = s.data();
  const char* end = s.data() + s.size();
  auto num = [&](int64_t& out) {
    auto r = std::from_chars(p, end, out);
    if (r.ec != std::errc()) return false;
    p = r.ptr;
    return true;
  };
  if (!num(h) || p == end || *p++ != ':' || !num(m) || p == end || *p++ != ':' || !num(sec)) {
    return std::nullopt;
  }
  if (p < end && *p == '.') {
    ++p;
    int digits = 0;
    for (; p < end && digits < 6 && *p >= '0' && *p <= '9'; ++p, ++digits)
      frac = frac * 10 + (*p - '0');
    for (; digits < 6; ++digits) frac *= 10;
  }
  if (p != end || m > 59 || sec > 59) return std::nullopt;
  int64_t us = ((h * 60 + m) * 60 + sec) * 1000000 + frac;
  return neg ? -us : us;
}

std::optional<int64_t> time_micros(const Value& v) {
  if (v.type() == Type::Time) return v.as_micros();
  if (v.type() == Type::String) return time_text_micros(v.as_string());
  return std::nullopt;
}

// "2024-02-29T13:45:59Z", "...59.5Z" (digits as needed), or `fsp` digits exactly.
void append_zoned(int64_t micros, int fsp, std::string& out) {
  std::string dt = temporal::format_datetime(micros);  // ...T13:45:59.123000
  size_t dot = dt.find('.');
  std::string frac = dot == std::string::npos ? "" : dt.substr(dot + 1);
  if (dot != std::string::npos) dt.resize(dot);
  if (fsp > 0) {
    frac.resize(static_cast<size_t>(std::min(fsp, 6)), '0');
    while (static_cast<int>(frac.size()) < fsp) frac.push_back('0');
  } else {
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
  }
  out.push_back('"');
  out += dt;
  if (!frac.empty()) out += "." + frac;
  out += "Z\"";
}

result<void> append_temporal(Sym name, const Value& v, const EncType& t, std::string& out) {
  switch (t.logical) {
    case Logical::Date:
      if (v.type() != Type::Date) return mismatch(name, v, "Date");
      out += std::to_string(v.as_date());
      return {};
    case Logical::TimeMicros: {
      auto us = time_micros(v);
      if (!us) return mismatch(name, v, "MicroTime");
      out += std::to_string(*us);
      return {};
    }
    case Logical::TimeMs: {
      auto us = time_micros(v);
      if (!us) return mismatch(name, v, "Time");
      return append_millis(name, *us, "Time", out);
    }
    case Logical::TsMicros:
      if (v.type() != Type::DateTime && v.type() != Type::Timestamp) {
        return mismatch(name, v, "MicroTimestamp");
      }
      out += std::to_string(v.as_micros());
      return {};
    case Logical::TsMs:
      if (v.type() != Type::DateTime && v.type() != Type::Timestamp) {
        return mismatch(name, v, "Timestamp");
      }
      return append_millis(name, v.as_micros(), "Timestamp", out);
    default:  // ZonedTs
      if (v.type() != Type::Timestamp && v.type() != Type::DateTime) {
        return mismatch(name, v, "ZonedTimestamp");
      }
      append_zoned(v.as_micros(), t.fsp, out);
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

// FLOAT32: the shortest text that reads back as the same float (as Java's Float.toString).
void append_float32(double d, std::string& out) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof(buf), static_cast<float>(d));
  std::string_view s(buf, static_cast<size_t>(r.ptr - buf));
  out += s;
  if (s.find_first_of(".eEn") == std::string_view::npos) out += ".0";
}

bool is_int_type(std::string_view type) {
  return type == "int16" || type == "int32" || type == "int64";
}

// A value of a type without a logical type: booleans and integers converted into each other,
// other values as text for a string, else as they are (bytes as base64).
result<void> append_primitive(Sym name, const Value& v, const EncType& t, std::string& out) {
  const std::string_view type = t.type;
  if (type == "boolean" && v.type() != Type::Bool) {
    if (v.type() == Type::Int || v.type() == Type::UInt) {  // BIT(1), TINYINT(1) read as 0/1
      out += (v.type() == Type::Int ? v.as_int() != 0 : v.as_uint() != 0) ? "true" : "false";
      return {};
    }
    return mismatch(name, v, "boolean");
  }
  if (is_int_type(type) && v.type() != Type::Int && v.type() != Type::UInt) {
    if (v.type() == Type::Bool) {
      out += v.as_bool() ? "1" : "0";
      return {};
    }
    return mismatch(name, v, t.type);
  }
  if ((type == "float" || type == "double") && !v.is_numeric()) return mismatch(name, v, t.type);
  if (type == "float" && v.type() == Type::Float) {
    append_float32(v.as_float(), out);
    return {};
  }
  if (type == "string" && v.type() != Type::String) {
    json::encode_string(v.to_display(), out);
    return {};
  }
  json::encode(v, out);  // bytes -> base64, numbers as they are
  return {};
}

}  // namespace

result<void> append_value(Sym name, const Value& v, const EncType& t, std::string& out) {
  if (v.is_null()) {
    out += "null";
    return {};
  }
  switch (t.logical) {
    case Logical::Decimal:
    case Logical::DecimalText:
    case Logical::DecimalDouble:
      return append_decimal(name, v, t, out);
    case Logical::UIntLong:
      return append_uint_long(name, v, out);
    case Logical::UIntDecimal:
      return append_uint_decimal(name, v, out);
    case Logical::Date:
    case Logical::TimeMs:
    case Logical::TimeMicros:
    case Logical::TsMs:
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

}  // namespace sluice::operators::debezium
