// The rows of the schema-change events (Op::Schema), each {databaseName, ddl, tableChanges} as
// in Debezium's MySQL schema-change payload (docs/mysql.md "Schema-change events"): those of one
// DDL statement read from the binlog, described from the source's table model (table_model.h)
// as it stands after the statement, and those the initial snapshot begins with.
#pragma once
#include <string>
#include <vector>

#include "base/result.h"
#include "base/value.h"
#include "operators/mysql/connection.h"
#include "operators/mysql/ddl_statement.h"
#include "operators/mysql/mysql_config.h"
#include "operators/mysql/table_model.h"

namespace sluice::operators::mysql {

struct SchemaChangeRow {
  std::string db;
  std::string table;  // "" for a statement on a database
  Object row;
};

// Debezium's table id: "db"."table" (a '"' in a name doubled).
std::string debezium_table_id(const std::string& db, const std::string& table);
// The ddl of one table of a DROP TABLE statement, as Debezium writes it: the statement's words up
// to its first table, then `db`.`table` ("DROP TABLE IF EXISTS `db`.`t`").
std::string drop_table_ddl(const std::string& sql, const std::string& db, const std::string& table);

// One row: `type` "CREATE", "ALTER" or "DROP" with `table` (a null Value: none), or no table
// change when `type` is null.
Object schema_change_row(const std::string& db, const std::string& table, const std::string& sql,
                         const char* type, Value table_value);

// The rows of one statement, `model` already changed by it: one per table it names in a captured
// database (CREATE, ALTER and CREATE / DROP INDEX: the table as the model has it, an ALTER;
// DROP: no table; RENAME: an ALTER of the new name; TRUNCATE: no table change), one without
// table changes for CREATE / DROP DATABASE, and for ALTER DATABASE one in the statement's session
// database `session_db` (where Debezium puts it; "" is kept too).
std::vector<SchemaChangeRow> schema_change_rows(const SchemaModel& model, const DdlStatement& d,
                                                const std::string& sql,
                                                const std::string& session_db,
                                                const TableFilter& filter);

// The model of every database `filter` captures, from information_schema.
result<SchemaModel> seed_schema_model(Connection& conn, const TableFilter& filter);

// What the initial snapshot emits first, as Debezium's MySQL snapshot does: SET
// character_set_server=..., collation_server=... (databaseName ""); DROP TABLE IF EXISTS of
// every table of the captured databases (a DROP change without table); then per database (name
// order) DROP DATABASE IF EXISTS, CREATE DATABASE `db` CHARSET x COLLATE y, USE `db` (no table
// change) and the CREATE TABLE of each of its tables (SHOW CREATE TABLE; a CREATE change with
// the table as `model` has it). Tables in name order.
result<std::vector<SchemaChangeRow>> snapshot_schema_rows(Connection& conn,
                                                          const TableFilter& filter,
                                                          const SchemaModel& model);

}  // namespace sluice::operators::mysql
