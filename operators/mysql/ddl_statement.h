// Recognizes the DDL statements of QUERY events that change the tables we capture:
// ALTER TABLE, RENAME TABLE, TRUNCATE, CREATE TABLE, DROP TABLE, CREATE / DROP INDEX, and
// CREATE / ALTER / DROP DATABASE (its `tables` one pair: the database and ""). Also the row
// changes a server logs as statements despite binlog_format=ROW (a session's own
// binlog_format, MariaDB's transaction-id versioned tables): INSERT / REPLACE / UPDATE /
// DELETE, with the first table they name. And the partition maintenance that adds or removes
// rows without row events (ALTER TABLE ... TRUNCATE / DROP / EXCHANGE / CONVERT PARTITION):
// `unlogged`.
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
  // CREATE TABLE IF NOT EXISTS: an existing table stays as it is.
  bool if_not_exists = false;
  // ALTER TABLE partition maintenance: the tables whose rows it changed without row events
  // (TRUNCATE / DROP PARTITION: the table; EXCHANGE PARTITION ... WITH TABLE t2: both;
  // CONVERT PARTITION ... TO TABLE t2: both, t2 `created` by it; CONVERT TABLE t2 TO
  // PARTITION: the table, t2 is gone).
  struct Unlogged {
    std::string db, table;
    bool created = false;
  };
  std::vector<Unlogged> unlogged;
};

DdlStatement parse_ddl(const std::string& sql, const std::string& default_db);
// CREATE / ALTER / DROP DATABASE.
bool database_level(DdlStatement::Kind k);
const char* ddl_kind_name(DdlStatement::Kind k);

}  // namespace sluice::operators::mysql
