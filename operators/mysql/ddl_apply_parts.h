// The parts apply_ddl (ddl_apply.h) is made of, shared by its files: table names, the
// statement's context, table options, key column lists, CREATE TABLE and ALTER TABLE.
#pragma once
#include <string>
#include <vector>

#include "base/result.h"
#include "operators/mysql/ddl_apply.h"
#include "operators/mysql/ddl_cursor.h"

namespace sluice::operators::mysql {

struct DdlTableName {
  std::string db;
  std::string table;
};

// One statement being applied.
struct DdlContext {
  SchemaModel& model;
  const std::string& default_db;
  DdlApplied& out;
  // The table could not be read: the caller reloads it (when its database is tracked).
  void not_understood(const DdlTableName& t);
  bool tracked(const DdlTableName& t) const { return model.has_database(t.db); }
  // The charset of a new table naming none: its database's, else the server's.
  std::string default_table_charset(const std::string& db) const;
};

// `db`.`t` or t (the default database).
result<DdlTableName> parse_ddl_table_name(DdlCursor& c, const std::string& default_db);

// The table's CHARACTER SET / COLLATE options as written (resolve() gives the charset).
struct DdlCharsetSpec {
  std::string charset;
  std::string collation;
  bool given() const { return !charset.empty() || !collation.empty(); }
  std::string resolve(const std::string& otherwise) const;
};

// One table option ([DEFAULT] CHARSET = x, COLLATE x, ENGINE = x, COMMENT 'x', ...): true
// when one was read.
result<bool> parse_table_option(DdlCursor& c, DdlCharsetSpec& charset);
// (a, b(10) DESC, ...): the column names of a key.
result<std::vector<std::string>> parse_key_columns(DdlCursor& c);
// At a key or constraint of a table body / ADD: [CONSTRAINT [n]] PRIMARY KEY | UNIQUE | INDEX
// | KEY | FULLTEXT | SPATIAL | FOREIGN KEY | CHECK | PERIOD FOR.
bool at_table_constraint(const DdlCursor& c);
// Reads one; a primary key's columns go to `primary_key`, a CHECK (json_valid(col)) column
// to `json`.
result<void> parse_table_constraint(DdlCursor& c, std::vector<std::string>& primary_key,
                                    std::vector<std::string>& json);
// Applies what a table's key and checks imply to its columns (key columns NOT NULL).
void settle_table(TableModel& t, const std::vector<std::string>& json);
// The index of a column (case-insensitive), or -1.
int find_model_column(const TableModel& t, const std::string& name);

// After CREATE [OR REPLACE] TABLE; after ALTER ... TABLE.
void apply_create_table(DdlCursor& c, DdlContext& ctx, bool or_replace);
void apply_alter_table(DdlCursor& c, DdlContext& ctx);

}  // namespace sluice::operators::mysql
