// Applies one DDL statement (the text of a binlog QUERY event) to the SchemaModel, as Debezium's
// MySQL DDL parser applies it to its in-memory tables: CREATE TABLE (column definitions, keys,
// table options; CREATE TABLE ... LIKE), ALTER TABLE (ADD / DROP / MODIFY / CHANGE / RENAME
// COLUMN, ALTER COLUMN SET|DROP DEFAULT, ADD / DROP PRIMARY KEY, RENAME TO, CONVERT TO
// CHARACTER SET, DEFAULT CHARSET; index, constraint, partition and other table options change
// no column), RENAME TABLE, DROP TABLE, CREATE / ALTER / DROP DATABASE. TRUNCATE, DML and
// statements on tables of databases the model does not track change nothing.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "operators/mysql/table_model.h"

namespace sluice::operators::mysql {

struct DdlApplied {
  // false: the statement names a tracked table but could not be read (a syntax this parser does
  // not know, CREATE TABLE ... SELECT): `unknown` lists those tables; the caller reloads them
  // from information_schema. The model is unchanged for them.
  bool understood = true;
  std::vector<std::pair<std::string, std::string>> unknown;
};

DdlApplied apply_ddl(SchemaModel& model, const std::string& sql, const std::string& default_db);

}  // namespace sluice::operators::mysql
