// Small SQL text helpers: identifier and literal quoting, qualified table names.
#pragma once
#include <string>
#include <string_view>

namespace sluice::operators::postgres {

// "name" with embedded quotes doubled.
std::string quote_ident(std::string_view name);
// 'text' with embedded quotes doubled (standard_conforming_strings = on).
std::string quote_literal(std::string_view text);

struct QualifiedName {
  std::string schema;  // "public" when the name has no schema part
  std::string name;
  std::string quoted() const { return quote_ident(schema) + "." + quote_ident(name); }
  std::string display() const { return schema + "." + name; }
};

// "ods.customers" -> {ods, customers}; "customers" -> {public, customers}. Only the first dot
// separates (a table name may not contain one then). Quoted parts ("a.b") are unquoted.
QualifiedName parse_table_name(std::string_view text);

}  // namespace sluice::operators::postgres
