#include "operators/postgres/type_map.h"

#include <cctype>
#include <charconv>
#include <cstdlib>

namespace sluice::operators::postgres {
namespace {

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

bool pg_type_widens(std::string_view from, std::string_view to) {
  if (from == to) return false;
  if (from == "real") return to == "double precision";
  const NumericShape a = numeric_shape(from), b = numeric_shape(to);
  if (a.whole < 0 || b.whole < 0) return false;
  return b.whole >= a.whole && b.scale >= a.scale && (b.whole > a.whole || b.scale > a.scale);
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
