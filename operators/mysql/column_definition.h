// One column definition of CREATE TABLE / ALTER TABLE (name, type, attributes) read into the
// InfoColumn information_schema.COLUMNS shows for it on MariaDB 10.11: synonyms mapped
// (INTEGER -> int, BOOL -> tinyint(1), NUMERIC -> decimal, REAL -> double, NVARCHAR ->
// varchar utf8mb3, SERIAL, LONG, JSON -> longtext ...), default lengths and display widths
// written out (decimal(10,0), int(11), char(1)), TEXT(n)/BLOB(n) sized, the character set
// resolved against the table's, the default as the server prints it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "operators/mysql/column_default.h"
#include "operators/mysql/ddl_cursor.h"
#include "operators/mysql/table_description.h"

namespace sluice::operators::mysql {

// The type as written.
struct ColumnTypeSpec {
  std::string data_type;  // the base type: "int", "decimal", "text", "enum", ...
  std::vector<std::string> args;
  std::vector<std::string> labels;  // ENUM / SET
  bool is_unsigned = false;
  bool zerofill = false;
  bool serial = false;      // SERIAL: bigint unsigned NOT NULL AUTO_INCREMENT UNIQUE
  bool sized_blob = false;  // TEXT(n) / BLOB(n): the class is picked from n
  std::string charset;      // NATIONAL -> utf8mb3, BYTE -> binary; "" none
  bool is_json = false;
};

struct ColumnDefinition {
  std::string name;
  ColumnTypeSpec type;
  std::string charset;    // CHARACTER SET / ASCII / UNICODE; "" none
  std::string collation;  // COLLATE; "" none
  bool not_null = false;
  bool primary_key = false;  // PRIMARY KEY / KEY in the definition
  bool auto_increment = false;
  bool generated = false;  // AS (expr) [VIRTUAL | STORED | PERSISTENT]
  bool stored = false;
  bool invisible = false;
  bool json_check = false;  // CHECK (json_valid(name))
  std::string on_update;    // ON UPDATE current_timestamp(...)
  std::optional<DefaultSpec> default_value;
};

// The type at the cursor (after the column name). Error for a type this parser does not know.
result<ColumnTypeSpec> parse_column_type(DdlCursor& c);
// A whole definition at the cursor: name, type, attributes; it stops before ',', ')', FIRST,
// AFTER or the end.
result<ColumnDefinition> parse_column_definition(DdlCursor& c);

// The column as information_schema shows it in a table whose default charset is
// `table_charset`.
InfoColumn finish_column(const ColumnDefinition& d, const std::string& table_charset);

// True for the types with a character set (char, varchar, the texts, enum, set).
bool info_has_charset(const InfoColumn& c);
// CONVERT TO CHARACTER SET: a character column's charset changes, and a TEXT type grows to
// keep as many characters (latin1 TEXT -> utf8mb4 MEDIUMTEXT) as MariaDB does.
void convert_column_charset(InfoColumn& c, const std::string& charset);
// At '(' of a CHECK: the column of "(json_valid(col))", MariaDB's JSON check.
std::optional<std::string> json_check_column(const DdlCursor& c);
// The nullability and default a column gets when it joins the primary key: NOT NULL, and no
// implicit DEFAULT NULL.
void make_key_column(InfoColumn& c);

}  // namespace sluice::operators::mysql
