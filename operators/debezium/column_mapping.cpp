#include "operators/debezium/column_mapping.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "base/json.h"

namespace sluice::operators::debezium {
namespace {

std::string lowercase(std::string_view s) {
  std::string o(s);
  std::transform(o.begin(), o.end(), o.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return o;
}

bool starts(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

// "(15,2)" -> 15, 2; false when there is no "(".
bool type_args(const std::string& t, int& a, int& b) {
  size_t open = t.find('(');
  if (open == std::string::npos) return false;
  const char* p = t.data() + open + 1;
  const char* end = t.data() + t.size();
  auto r = std::from_chars(p, end, a);
  if (r.ptr < end && *r.ptr == ',') std::from_chars(r.ptr + 1, end, b);
  return true;
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

void decimal_type(const EncoderOptions& o, int precision, int scale, EncType& t) {
  switch (o.decimal) {
    case DecimalMode::Precise:
      t.logical = Logical::Decimal;
      t.type = "bytes";
      t.precision = precision;
      t.scale = scale;
      return;
    case DecimalMode::String:
      t.logical = Logical::DecimalText;
      t.type = "string";
      return;
    case DecimalMode::Double:
      t.logical = Logical::DecimalDouble;
      t.type = "double";
      return;
  }
}

bool integer_type(const std::string& c, const EncoderOptions& o, EncType& t) {
  const bool uns = c.find("unsigned") != std::string::npos;
  if (starts(c, "bigint")) {
    if (uns && o.bigint_unsigned == BigintUnsigned::Precise) {
      t.logical = Logical::UIntDecimal;
      t.type = "bytes";
      t.precision = 20;
    } else {
      t.logical = uns ? Logical::UIntLong : Logical::None;
      t.type = "int64";
    }
    return true;
  }
  if (starts(c, "tinyint")) {
    t.type = "int16";
    return true;
  }
  if (starts(c, "smallint")) {
    t.type = uns ? "int32" : "int16";
    return true;
  }
  if (starts(c, "mediumint")) {
    t.type = "int32";
    return true;
  }
  if (starts(c, "int")) {
    t.type = uns ? "int64" : "int32";
    return true;
  }
  return false;
}

// DATE, TIME, DATETIME(n), TIMESTAMP(n), YEAR.
bool temporal_type(const std::string& c, const EncoderOptions& o, EncType& t) {
  int fsp = 0, unused = 0;
  const bool connect = o.time == TimePrecision::Connect;
  if (starts(c, "datetime")) {
    type_args(c, fsp, unused);
    t.type = "int64";
    t.connect = connect;
    t.logical = connect || fsp <= 3 ? Logical::TsMs : Logical::TsMicros;
    return true;
  }
  if (starts(c, "timestamp")) {
    t.type = "string";
    t.logical = Logical::ZonedTs;
    if (type_args(c, fsp, unused) && fsp > 0) t.fsp = fsp;
    return true;
  }
  if (starts(c, "date")) {
    t.type = "int32";
    t.logical = Logical::Date;
    t.connect = connect;
    return true;
  }
  if (starts(c, "time")) {
    t.type = connect ? "int32" : "int64";
    t.logical = connect ? Logical::TimeMs : Logical::TimeMicros;
    t.connect = connect;
    return true;
  }
  if (starts(c, "year")) {
    t.type = "int32";
    t.year = true;
    return true;
  }
  return false;
}

bool labelled_type(const std::string& c, const std::string& col, EncType& t) {
  if (starts(c, "json")) {
    t.logical = Logical::Json;
  } else if (starts(c, "enum")) {
    t.logical = Logical::Enum;
    t.allowed = labels(col);
  } else if (starts(c, "set")) {
    t.logical = Logical::EnumSet;
    t.allowed = labels(col);
  } else {
    return false;
  }
  t.type = "string";
  return true;
}

const char* logical_name(const EncType& t) {
  if (t.year) return "io.debezium.time.Year";
  switch (t.logical) {
    case Logical::Decimal:
    case Logical::UIntDecimal:
      return "org.apache.kafka.connect.data.Decimal";
    case Logical::Date:
      return t.connect ? "org.apache.kafka.connect.data.Date" : "io.debezium.time.Date";
    case Logical::TimeMs:
      return "org.apache.kafka.connect.data.Time";
    case Logical::TimeMicros:
      return "io.debezium.time.MicroTime";
    case Logical::TsMs:
      return t.connect ? "org.apache.kafka.connect.data.Timestamp" : "io.debezium.time.Timestamp";
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

}  // namespace

bool from_column_type(const std::string& col, const EncoderOptions& o, EncType& t) {
  std::string c = lowercase(col);
  if (c.empty()) return false;
  if (starts(c, "decimal") || starts(c, "numeric") || starts(c, "fixed")) {
    int precision = 10, scale = 0;
    type_args(c, precision, scale);
    decimal_type(o, precision, scale, t);
    return true;
  }
  if (starts(c, "bool")) {
    t.type = "boolean";
    return true;
  }
  if (integer_type(c, o, t) || temporal_type(c, o, t) || labelled_type(c, col, t)) return true;
  if (starts(c, "float")) {  // FLOAT(p <= 24) is 4 bytes; FLOAT(M,D) Debezium reads as 8
    t.type = c.find(',') == std::string::npos ? "float" : "double";
    return true;
  }
  if (starts(c, "double") || starts(c, "real")) {
    t.type = "double";
    return true;
  }
  if (starts(c, "bit")) {
    int bits = 1, unused = 0;
    type_args(c, bits, unused);
    if (bits <= 1) {
      t.type = "boolean";
      return true;
    }
    t.logical = Logical::Bits;
    t.type = "bytes";
    t.bits = bits;
    return true;
  }
  return false;  // strings, blobs: decided by the value
}

void from_value(const Value& v, const EncoderOptions& o, EncType& t) {
  switch (v.type()) {
    case Type::Null:
    case Type::String:
      t.type = "string";
      return;
    case Type::Bool:
      t.type = "boolean";
      return;
    case Type::Int:
      t.type = "int64";
      return;
    case Type::UInt:
      from_column_type("bigint unsigned", o, t);
      return;
    case Type::Float:
      t.type = "double";
      return;
    case Type::Decimal:
      decimal_type(o, 0, v.as_decimal().scale(), t);
      return;
    case Type::Bytes:
      t.type = "bytes";
      return;
    case Type::Date:
      from_column_type("date", o, t);
      return;
    case Type::Time:
      from_column_type("time", o, t);
      return;
    case Type::DateTime:
      from_column_type("datetime(6)", o, t);
      return;
    case Type::Timestamp:
      from_column_type("timestamp", o, t);
      return;
    case Type::Object:
    case Type::List:
      t.logical = Logical::Json;
      t.type = "string";
      return;
  }
}

void append_field_schema(const std::string& name, const EncType& t, bool optional,
                         std::string& out) {
  out += "{\"type\":\"";
  out += t.type;
  out += "\",\"optional\":";
  out += optional ? "true" : "false";
  if (const char* ln = logical_name(t)) {
    out += ",\"name\":\"";
    out += ln;
    out += "\",\"version\":1";
    if (t.logical == Logical::Decimal || t.logical == Logical::UIntDecimal) {
      out += ",\"parameters\":{\"scale\":\"" + std::to_string(t.scale) + "\"";
      if (t.precision > 0) {
        out += ",\"connect.decimal.precision\":\"" + std::to_string(t.precision) + "\"";
      }
      if (t.logical == Logical::UIntDecimal) {  // as column.propagate.source.type writes it
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

}  // namespace sluice::operators::debezium
