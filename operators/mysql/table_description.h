// A table's definition as Debezium's MySQL connector describes it in schema-change events
// (the Connect struct io.debezium.connector.schema.Table, docs/mysql.md "Schema-change
// events"): {defaultCharsetName, primaryKeyColumnNames, columns, comment}, each column
// {name, jdbcType, nativeType, typeName, typeExpression, charsetName, length, scale,
// position, optional, autoIncremented, generated, comment, defaultValueExpression,
// enumValues}, read from information_schema when the source meets the DDL (Debezium parses
// the DDL text into its own model instead; where the two can differ is in the docs).
#pragma once
#include <string>
#include <vector>

#include "base/result.h"
#include "base/value.h"
#include "operators/mysql/connection.h"

namespace sluice::operators::mysql {

// One row of information_schema.COLUMNS.
struct InfoColumn {
  std::string name;
  std::string data_type;    // "int", "varchar", ...
  std::string column_type;  // "int(10) unsigned", "decimal(15,2)", "enum('a','b')"
  std::string charset;      // CHARACTER_SET_NAME ("" when none)
  std::string extra;        // EXTRA ("auto_increment", "VIRTUAL GENERATED", ...)
  bool has_default = false;
  std::string default_text;  // COLUMN_DEFAULT as the server shows it
  bool nullable = true;
  bool is_json = false;  // MariaDB: LONGTEXT with CHECK (json_valid(col))
  bool operator==(const InfoColumn& o) const;
};

// The (n[,m]) of a column type: "decimal(7,3)" -> {7, 3}; none for ENUM and SET.
std::vector<int> column_type_args(const std::string& column_type);

// java.sql.Types of a column, as Debezium's MySQL DDL parser assigns it.
int jdbc_type(const InfoColumn& c);
// Debezium's typeName: the upper-case type without its length, with UNSIGNED / ZEROFILL.
std::string debezium_type_name(const InfoColumn& c);
// The column struct (position counts from 1).
Value describe_column(const InfoColumn& c, int position);

// The table struct, or a null Value when the table does not exist (any more).
result<Value> describe_table(Connection& conn, const std::string& db, const std::string& table);

}  // namespace sluice::operators::mysql
