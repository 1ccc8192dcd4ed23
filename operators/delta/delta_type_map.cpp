#include "operators/delta/delta_type_map.h"

#include <cctype>
#include <cstdlib>

#include "base/enum_names.h"

namespace sluice::operators::delta {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

ColumnSchema make(const std::string& name, ColumnType t, int precision = 0, int scale = 0) {
  ColumnSchema c;
  c.name = name;
  c.type = t;
  c.precision = precision;
  c.scale = scale;
  return c;
}

// "decimal(15,2)" -> 15, 2; "decimal" -> MySQL's default 10, 0.
void decimal_args(std::string_view v, int& p, int& s) {
  p = 10;
  s = 0;
  size_t open = v.find('(');
  if (open == std::string_view::npos) return;
  std::string args(v.substr(open + 1));
  p = std::atoi(args.c_str());
  size_t comma = args.find(',');
  if (comma != std::string::npos) s = std::atoi(args.c_str() + comma + 1);
}

// Integer declarations: tinyint..bigint, signed or not, and YEAR.
std::optional<ColumnSchema> integer_column(const std::string& name, std::string_view v) {
  const bool uns = v.find("unsigned") != std::string_view::npos;
  if (starts_with(v, "tinyint") || starts_with(v, "smallint") || starts_with(v, "mediumint") ||
      starts_with(v, "year")) {
    return make(name, ColumnType::Int32);
  }
  if (starts_with(v, "bigint")) {
    return uns ? make(name, ColumnType::Decimal, 20, 0) : make(name, ColumnType::Int64);
  }
  if (starts_with(v, "int")) return make(name, uns ? ColumnType::Int64 : ColumnType::Int32);
  if (starts_with(v, "bit")) return make(name, ColumnType::Decimal, 20, 0);
  return std::nullopt;
}

}  // namespace

std::optional<ColumnSchema> column_for_source(const std::string& name,
                                              std::string_view source_type) {
  std::string s;
  for (char c : source_type)
    s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  std::string_view v = s;
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  if (v.empty()) return std::nullopt;
  if (starts_with(v, "decimal") || starts_with(v, "numeric") || starts_with(v, "fixed")) {
    int p = 0;
    int sc = 0;
    decimal_args(v, p, sc);
    // Delta's decimal holds 38 digits at most: wider MySQL decimals are their exact text.
    if (p > 38) return make(name, ColumnType::String);
    return make(name, ColumnType::Decimal, p, sc);
  }
  if (auto i = integer_column(name, v)) return i;
  if (starts_with(v, "bool")) return make(name, ColumnType::Bool);
  if (starts_with(v, "float") || starts_with(v, "double") || starts_with(v, "real")) {
    return make(name, ColumnType::Double);
  }
  if (starts_with(v, "datetime") || starts_with(v, "timestamp")) {
    return make(name, ColumnType::Timestamp);
  }
  if (starts_with(v, "date")) return make(name, ColumnType::Date);
  if (v.find("blob") != std::string_view::npos || starts_with(v, "binary") ||
      starts_with(v, "varbinary") || starts_with(v, "geometry")) {
    return make(name, ColumnType::Binary);
  }
  // time, json, enum, set, char, varchar, text, uuid, inet: text.
  return make(name, ColumnType::String);
}

std::optional<ColumnSchema> column_for_value(const std::string& name, const Value& v) {
  switch (v.type()) {
    case Type::Null:
      return std::nullopt;
    case Type::Bool:
      return make(name, ColumnType::Bool);
    case Type::Int:
      return make(name, ColumnType::Int64);
    case Type::UInt:
      return make(name, ColumnType::Decimal, 20, 0);
    case Type::Float:
      return make(name, ColumnType::Double);
    case Type::Decimal: {
      // No declaration: 38 digits with the value's scale (the most Delta holds).
      const int scale = v.as_decimal().scale();
      if (scale > 38) return make(name, ColumnType::String);
      return make(name, ColumnType::Decimal, 38, scale);
    }
    case Type::Bytes:
      return make(name, ColumnType::Binary);
    case Type::Date:
      return make(name, ColumnType::Date);
    case Type::DateTime:
    case Type::Timestamp:
      return make(name, ColumnType::Timestamp);
    case Type::String:
    case Type::Time:
    case Type::Object:
    case Type::List:
      return make(name, ColumnType::String);
  }
  return make(name, ColumnType::String);
}

std::string delta_type_name(const ColumnSchema& c) {
  if (c.type == ColumnType::Decimal) {
    return "decimal(" + std::to_string(c.precision) + "," + std::to_string(c.scale) + ")";
  }
  static constexpr const char* kNames[] = {"boolean", "integer", "long", "double",   "string",
                                           "binary",  "decimal", "date", "timestamp"};
  static_assert(std::size(kNames) == enum_count(ColumnType::Timestamp));
  return enum_name(c.type, kNames, "string");
}

std::optional<ColumnSchema> column_for_delta_type(const std::string& name, std::string_view t) {
  if (t == "boolean") return make(name, ColumnType::Bool);
  if (t == "integer" || t == "short" || t == "byte") return make(name, ColumnType::Int32);
  if (t == "long") return make(name, ColumnType::Int64);
  if (t == "double") return make(name, ColumnType::Double);
  if (t == "string") return make(name, ColumnType::String);
  if (t == "binary") return make(name, ColumnType::Binary);
  if (t == "date") return make(name, ColumnType::Date);
  if (t == "timestamp") return make(name, ColumnType::Timestamp);
  if (starts_with(t, "decimal")) {
    int p = 0;
    int s = 0;
    decimal_args(t, p, s);
    return make(name, ColumnType::Decimal, p, s);
  }
  return std::nullopt;
}

}  // namespace sluice::operators::delta
