#include "operators/postgres/type_map.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

namespace sluice::operators::postgres {
namespace {

// The most digits PostgreSQL allows a numeric(p,s) to declare.
constexpr int kMaxNumericDigits = 1000;

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// "(15,2)" after the type name, or "".
std::string_view args_of(std::string_view s) {
  size_t open = s.find('(');
  if (open == std::string_view::npos) return {};
  size_t close = s.find(')', open);
  if (close == std::string_view::npos) return {};
  return s.substr(open, close - open + 1);
}

// Digits a numeric type holds before and after the point; whole < 0: not such a type.
struct NumericShape {
  int whole = -1;
  int scale = 0;
};

NumericShape numeric_shape(std::string_view t) {
  if (t == "smallint") return {5, 0};
  if (t == "integer") return {10, 0};
  if (t == "bigint") return {19, 0};
  if (t == "numeric") return {100000, 16383};  // unconstrained: nothing is wider
  if (!starts_with(t, "numeric(") || t.back() != ')') return {};
  int p = 0, sc = 0;
  const std::string_view args = t.substr(8, t.size() - 9);
  const size_t comma = args.find(',');
  auto num = [](std::string_view d, int& out) {
    return std::from_chars(d.data(), d.data() + d.size(), out).ec == std::errc();
  };
  if (!num(args.substr(0, comma), p)) return {};
  if (comma != std::string_view::npos && !num(args.substr(comma + 1), sc)) return {};
  return {p - sc, sc};
}

// The smallest numeric type holding the values of both, when that is not `column`'s (a name of
// `source`'s when it is that one); "" when the column holds them.
std::string numeric_union(NumericShape column, NumericShape source, std::string_view name) {
  const int whole = std::max(column.whole, source.whole);
  const int scale = std::max(column.scale, source.scale);
  if (whole == column.whole && scale == column.scale) return "";
  if (whole == source.whole && scale == source.scale) return std::string(name);
  if (whole + scale > kMaxNumericDigits) return "numeric";
  return "numeric(" + std::to_string(whole + scale) + "," + std::to_string(scale) + ")";
}

// A timestamp type: with time zone, and its digits after the second (-1: not a timestamp).
struct TimeShape {
  bool tz = false;
  int digits = -1;
};

// format_type's "timestamp(3) without time zone" or pg_type_for_source's "timestamptz(3)";
// without "(n)" the type has `fallback` digits (format_type: 6, PostgreSQL's default; a source
// type: 0, MySQL's DATETIME and TIMESTAMP without a fraction).
TimeShape time_shape(std::string_view t, int fallback) {
  if (!starts_with(t, "timestamp")) return {};
  TimeShape s;
  s.tz = starts_with(t, "timestamptz") || t.find("with time zone") != std::string_view::npos;
  s.tz = s.tz && t.find("without") == std::string_view::npos;
  s.digits = fallback;
  const std::string_view args = args_of(t);
  if (args.size() > 2) s.digits = std::atoi(std::string(args.substr(1)).c_str());
  return s;
}

}  // namespace

std::string pg_type_for_value(Type t) {
  switch (t) {
    case Type::Null:
      return "";
    case Type::Bool:
      return "boolean";
    case Type::Int:
      return "bigint";
    case Type::UInt:
      return "numeric(20)";
    case Type::Float:
      return "double precision";
    case Type::Decimal:
      return "numeric";
    case Type::String:
      return "text";
    case Type::Bytes:
      return "bytea";
    case Type::Date:
      return "date";
    case Type::Time:
      return "text";
    case Type::DateTime:
      return "timestamp";
    case Type::Timestamp:
      return "timestamptz";
    case Type::Object:
    case Type::List:
      return "jsonb";
  }
  return "text";
}

std::string pg_type_holding(std::string_view column, std::string_view source) {
  if (column == "real") return source == "double precision" ? std::string(source) : "";
  const NumericShape a = numeric_shape(column), b = numeric_shape(source);
  if (a.whole >= 0 && b.whole >= 0) return numeric_union(a, b, source);
  const TimeShape x = time_shape(column, 6), y = time_shape(source, 0);
  if (x.digits >= 0 && y.digits > x.digits && x.tz == y.tz) {
    return std::string(x.tz ? "timestamptz(" : "timestamp(") + std::to_string(y.digits) + ")";
  }
  return "";
}

std::string pg_type_rounding(std::string_view column, std::string_view source) {
  const TimeShape x = time_shape(column, 6), y = time_shape(source, 0);
  if (y.digits >= 0 && column == "date") return "drops the time of day";
  if (x.digits >= 0 && y.digits > x.digits) {
    return x.digits == 0
               ? "rounds the values to whole seconds"
               : "rounds the fraction of a second to " + std::to_string(x.digits) + " digit(s)";
  }
  const NumericShape a = numeric_shape(column), b = numeric_shape(source);
  const bool floating = source == "real" || source == "double precision";
  if (starts_with(column, "numeric(") && a.whole >= 0 && (floating || b.scale > a.scale)) {
    return "rounds the values to " + std::to_string(a.scale) + " decimal(s)";
  }
  const int digits = column == "real" ? 6 : column == "double precision" ? 15 : 0;
  const int source_digits = b.whole >= 0                   ? b.whole + b.scale
                            : source == "double precision" ? 15
                                                           : 0;
  if (digits > 0 && source_digits > digits) {
    return "keeps about " + std::to_string(digits) + " significant digits of the values";
  }
  return "";
}

std::string pg_type_for_source(std::string_view source_type) {
  std::string s;
  for (char c : source_type)
    s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  std::string_view v = s;
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  bool uns = v.find("unsigned") != std::string_view::npos;
  std::string_view args = args_of(v);
  if (starts_with(v, "decimal") || starts_with(v, "numeric") || starts_with(v, "fixed")) {
    return args.empty() ? "numeric(10,0)" : "numeric" + std::string(args);
  }
  if (starts_with(v, "tinyint")) return "smallint";
  if (starts_with(v, "smallint")) return uns ? "integer" : "smallint";
  if (starts_with(v, "mediumint")) return "integer";
  if (starts_with(v, "bigint")) return uns ? "numeric(20)" : "bigint";
  if (starts_with(v, "int") || starts_with(v, "integer")) return uns ? "bigint" : "integer";
  if (starts_with(v, "bool")) return "boolean";
  if (starts_with(v, "float")) return "real";
  if (starts_with(v, "double") || starts_with(v, "real")) return "double precision";
  if (starts_with(v, "datetime")) return "timestamp" + std::string(args);
  if (starts_with(v, "timestamp")) return "timestamptz" + std::string(args);
  if (starts_with(v, "date")) return "date";
  if (starts_with(v, "time")) return "text";
  if (starts_with(v, "year")) return "smallint";
  if (starts_with(v, "json")) return "jsonb";
  if (starts_with(v, "enum")) return "text";
  if (starts_with(v, "set")) return "text[]";
  if (starts_with(v, "char") || starts_with(v, "varchar") ||
      v.find("text") != std::string_view::npos) {
    return "text";
  }
  if (starts_with(v, "bit")) {  // MySQL BIT(n), n <= 64, is read as an unsigned integer
    int bits = 1;
    if (args.size() > 2) bits = std::atoi(std::string(args.substr(1)).c_str());
    return bits <= 64 ? "numeric(20)" : "bytea";
  }
  if (v.find("blob") != std::string_view::npos || starts_with(v, "binary") ||
      starts_with(v, "varbinary") || starts_with(v, "geometry")) {
    return "bytea";
  }
  if (starts_with(v, "uuid") || starts_with(v, "inet")) return "text";
  return "";
}

ColKind col_kind_for(std::string_view t) {
  if (t == "json" || t == "jsonb") return ColKind::Json;
  if (t == "bytea") return ColKind::Bytea;
  if (t == "boolean") return ColKind::Bool;
  if (t.size() > 2 && t.substr(t.size() - 2) == "[]") return ColKind::TextArray;
  return ColKind::Plain;
}

}  // namespace sluice::operators::postgres
