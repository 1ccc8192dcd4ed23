// Cache of target table descriptions, read from pg_catalog; creates tables and adds columns.
// All calls may throw libpqxx exceptions (the sink catches them). DDL runs in its own
// committed transaction, before the data transaction (CREATE TABLE / ADD COLUMN IF NOT
// EXISTS: idempotent, safe to repeat after a crash).
#pragma once
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "operators/postgres/table_info.h"

namespace pqxx {
class connection_base;
class transaction_base;
}  // namespace pqxx

namespace sluice::operators::postgres {

// SQL: whether the pg_attribute row `a` is a generated column (GENERATED ALWAYS AS ... STORED).
// attgenerated exists from PostgreSQL 12 on; read through the row's JSON, older servers give ''.
inline constexpr const char* kGeneratedAttribute =
    "coalesce(to_jsonb(a) ->> 'attgenerated', '') <> ''";

class TableCatalog {
 public:
  // The table (loaded on first use; `exists` false when it is missing).
  TableInfo& get(pqxx::connection_base& c, const std::string& qualified);
  // The table when it was loaded under this name before, else null (reads no catalog).
  TableInfo* find(const std::string& qualified) const;
  // Creates the table with these columns (name, type) and primary key, then reloads it.
  void create(pqxx::connection_base& c, TableInfo& t,
              const std::vector<std::pair<std::string, std::string>>& columns,
              const std::vector<std::string>& primary_key);
  // ALTER TABLE ... ADD COLUMN IF NOT EXISTS, then reloads it.
  void add_columns(pqxx::connection_base& c, TableInfo& t,
                   const std::vector<std::pair<std::string, std::string>>& columns);
  // ALTER TABLE ... ALTER COLUMN ... TYPE for each (name, type), then reloads it.
  void alter_types(pqxx::connection_base& c, TableInfo& t,
                   const std::vector<std::pair<std::string, std::string>>& columns);
  // ALTER TABLE ... ADD PRIMARY KEY (a table without one whose source got one), then reloads it.
  void add_primary_key(pqxx::connection_base& c, TableInfo& t, const std::vector<std::string>& key);
  // Forget everything (after a reconnect or an unexpected error).
  void clear() {
    by_text_.clear();
    tables_.clear();
  }

 private:
  void load(pqxx::connection_base& c, TableInfo& t, bool check_empty);
  static void load_unique_keys(pqxx::transaction_base& tx, TableInfo& t, const std::string& reg);
  // A name shortened by pg_identifier(): the table PostgreSQL cut the name to, where that one
  // exists and the shortened one does not (an earlier version of the sink created it so).
  static QualifiedName earlier_cut(pqxx::connection_base& c, QualifiedName name,
                                   const std::string& qualified);
  std::unordered_map<std::string, std::unique_ptr<TableInfo>> tables_;  // by quoted name
  std::unordered_map<std::string, TableInfo*> by_text_;  // by the name as given to get()
};

}  // namespace sluice::operators::postgres
