// Small SQL text helpers: identifier and literal quoting, qualified table names.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::operators::postgres {

// "name" with embedded quotes doubled.
std::string quote_ident(std::string_view name);
// PostgreSQL keeps 63 bytes of an identifier (NAMEDATALEN - 1) and cuts the rest, so two MySQL
// names of 64 characters, or two of 22 CJK characters, that differ past that would be one. The
// identifier the sink uses for a table, schema or column name: the name itself when it fits;
// else its first bytes (whole UTF-8 characters), '_' and 8 hex digits of a hash of the whole
// name: 63 bytes at most, the same in every run.
constexpr size_t kMaxIdentifier = 63;
std::string pg_identifier(std::string_view name);
// What PostgreSQL itself makes of a longer name: its first 63 bytes (whole characters). The
// table or column an earlier version of the sink created so; it stays in use where it exists.
std::string pg_cut_identifier(std::string_view name);
// Whether two names are the same but for the case of ASCII letters: what PostgreSQL makes of an
// unquoted name (it folds A-Z to a-z) and MySQL's own column names (compared ignoring case).
bool same_ignoring_case(std::string_view a, std::string_view b);
// The column of a table with `columns` that a field whose own column would be `column`
// (pg_identifier) goes to: `column` when the table has it; else the one column the same but for
// case (a table made with unquoted names for a source whose names have capitals: `CustomerName`
// goes to `customername`), unless `other` says another field of the record is named exactly
// that; else `column`.
template <typename Columns, typename Name, typename Other>
std::string matching_column(const Columns& columns, Name name_of, const std::string& column,
                            Other other) {
  const std::string* found = nullptr;
  size_t matches = 0;
  for (const auto& c : columns) {
    const std::string& n = name_of(c);
    if (n == column) return column;
    if (same_ignoring_case(n, column)) {
      found = &n;
      ++matches;
    }
  }
  return matches == 1 && !other(*found) ? *found : column;
}
// "a", "b": each name quoted.
std::string quote_ident_list(const std::vector<std::string>& names);
// 'text' with embedded quotes doubled (standard_conforming_strings = on).
std::string quote_literal(std::string_view text);

struct QualifiedName {
  std::string schema;  // "public" when the name has no schema part
  std::string name;
  std::string quoted() const { return quote_ident(schema) + "." + quote_ident(name); }
  // schema.name for messages; a part with a '.' or '"' in it quoted (public."other.secret").
  std::string display() const;
};

// "ods.customers" -> {ods, customers}; "customers" -> {public, customers}. Only the first dot
// separates (a table name may not contain one then). Quoted parts ("a.b") are unquoted. Each
// part is its pg_identifier(); cut = true: its pg_cut_identifier().
QualifiedName parse_table_name(std::string_view text, bool cut = false);

}  // namespace sluice::operators::postgres
