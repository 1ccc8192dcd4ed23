// The rows of the schema-change events (Op::Schema) of one DDL statement on captured tables:
// one per table it names, each {databaseName, ddl, tableChanges} as in Debezium's MySQL
// schema-change payload (docs/mysql.md "Schema-change events"): CREATE and ALTER carry the
// table as information_schema shows it now, DROP a null table, RENAME an ALTER of the new
// name, TRUNCATE no table change.
#pragma once
#include <string>
#include <vector>

#include "base/result.h"
#include "base/value.h"
#include "operators/mysql/connection.h"
#include "operators/mysql/ddl_statement.h"

namespace sluice::operators::mysql {

struct SchemaChangeRow {
  std::string db;
  std::string table;
  Object row;
};

// Debezium's table id: "db"."table" (a '"' in a name doubled).
std::string debezium_table_id(const std::string& db, const std::string& table);
// The ddl of one table of a DROP TABLE statement, as Debezium writes it: the statement's words up
// to its first table, then `db`.`table` ("DROP TABLE IF EXISTS `db`.`t`").
std::string drop_table_ddl(const std::string& sql, const std::string& db, const std::string& table);

// `captured(db, table)`: the source's table filter. Statements of other kinds give none.
template <class Captured>
result<std::vector<SchemaChangeRow>> schema_change_rows(Connection& conn, const DdlStatement& d,
                                                        const std::string& sql,
                                                        const Captured& captured);

// One row: `type` "CREATE", "ALTER" or "DROP" with `table` (a null Value: none), or no table
// change when `type` is null.
Object schema_change_row(const std::string& db, const std::string& table, const std::string& sql,
                         const char* type, Value table_value);

}  // namespace sluice::operators::mysql

#include "operators/mysql/table_description.h"

namespace sluice::operators::mysql {

template <class Captured>
result<std::vector<SchemaChangeRow>> schema_change_rows(Connection& conn, const DdlStatement& d,
                                                        const std::string& sql,
                                                        const Captured& captured) {
  std::vector<SchemaChangeRow> out;
  auto add = [&](const std::string& db, const std::string& table, const char* type,
                 bool describe) -> result<void> {
    Value t;
    if (describe) {
      auto r = describe_table(conn, db, table);
      if (!r.ok()) return r.err();
      t = std::move(r).value();
    }
    const std::string ddl =
        d.kind == DdlStatement::Kind::Drop ? drop_table_ddl(sql, db, table) : sql;
    out.push_back({db, table, schema_change_row(db, table, ddl, type, std::move(t))});
    return {};
  };
  using K = DdlStatement::Kind;
  if (d.kind == K::Rename) {  // old, new, old, new, ...
    for (size_t i = 0; i + 1 < d.tables.size(); i += 2) {
      const auto& from = d.tables[i];
      const auto& to = d.tables[i + 1];
      if (!captured(from.first, from.second) && !captured(to.first, to.second)) continue;
      if (auto r = add(to.first, to.second, "ALTER", true); !r.ok()) return r.err();
    }
    return out;
  }
  const char* type = d.kind == K::Create  ? "CREATE"
                     : d.kind == K::Alter ? "ALTER"
                     : d.kind == K::Drop  ? "DROP"
                                          : nullptr;
  if (type == nullptr && d.kind != K::Truncate) return out;
  for (const auto& [db, table] : d.tables) {
    if (!captured(db, table)) continue;
    const bool describe = d.kind == K::Create || d.kind == K::Alter;
    if (auto r = add(db, table, type, describe); !r.ok()) return r.err();
  }
  return out;
}

}  // namespace sluice::operators::mysql
