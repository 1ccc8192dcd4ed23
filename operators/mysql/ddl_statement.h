// Recognizes the DDL statements of QUERY events that change the tables we capture:
// ALTER TABLE, RENAME TABLE, TRUNCATE, CREATE TABLE, DROP TABLE, CREATE / DROP INDEX, and
// CREATE / ALTER / DROP DATABASE (its `tables` one pair: the database and ""). Also the row
// changes a server logs as statements despite binlog_format=ROW (a session's own
// binlog_format, MariaDB's transaction-id versioned tables): INSERT / REPLACE / UPDATE /
// DELETE, with the first table they name.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace sluice::operators::mysql {

struct DdlStatement {
  enum class Kind : uint8_t {
    None,
    Alter,
    Rename,
    Truncate,
    Create,
    Drop,
    CreateIndex,
    DropIndex,
    CreateDatabase,
    AlterDatabase,
    DropDatabase,
    Begin,
    Commit,
    Rollback,
    Dml,
    Xa  // XA START / END / PREPARE / COMMIT / ROLLBACK (binlog_stream_xa.cpp reads the rest)
  };
  Kind kind = Kind::None;
  // (db, table) pairs; for Rename: old, new, old, new, ...
  std::vector<std::pair<std::string, std::string>> tables;
};

DdlStatement parse_ddl(const std::string& sql, const std::string& default_db);
// CREATE / ALTER / DROP DATABASE.
bool database_level(DdlStatement::Kind k);
const char* ddl_kind_name(DdlStatement::Kind k);

}  // namespace sluice::operators::mysql
