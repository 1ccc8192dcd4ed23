// A column's DEFAULT as written in DDL, and as MariaDB 10.11 shows it afterwards in
// information_schema.COLUMNS.COLUMN_DEFAULT: 'quoted' strings (trailing spaces of CHAR gone,
// ENUM/SET labels as declared), numbers as the column stores them (decimal(7,3) DEFAULT 1 ->
// 1.000), dates and times in their full form, b'101' for BIT, current_timestamp(), NULL.
#pragma once
#include <cstdint>
#include <string>

#include "base/result.h"
#include "operators/mysql/ddl_cursor.h"
#include "operators/mysql/table_description.h"

namespace sluice::operators::mysql {

struct DefaultSpec {
  enum class Kind : uint8_t { Null, String, Number, Hex, Bits, Now, Expr };
  Kind kind = Kind::Null;
  // String: the bytes; Number: as written with its sign; Hex / Bits: the digits; Now: the
  // precision ("" none); Expr: the expression as written.
  std::string text;
};

// The value after DEFAULT: a literal, NULL, CURRENT_TIMESTAMP[(n)] (NOW(), LOCALTIME, ...), a
// (parenthesized expression) (a single literal in parentheses is that literal), a function.
result<DefaultSpec> parse_default_value(DdlCursor& c);

// COLUMN_DEFAULT for a column of c's type.
std::string format_default(const InfoColumn& c, const DefaultSpec& d);

// A string literal as MariaDB prints one: 'it''s', backslashes and line breaks escaped.
std::string quote_default_string(const std::string& s);

}  // namespace sluice::operators::mysql
