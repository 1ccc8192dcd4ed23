// load_table_model / load_database_model (table_model.h): the model from information_schema,
// four queries for one table or a whole database (columns, charsets, primary keys, the CHECK
// clauses that mark MariaDB's JSON columns), whatever its number of tables.
#include <algorithm>
#include <map>
#include <set>

#include "operators/mysql/schema_loader.h"
#include "operators/mysql/table_model.h"

namespace sluice::operators::mysql {
namespace {

InfoColumn model_info_column(const SqlRow& r) {  // r[0] is TABLE_NAME
  InfoColumn c;
  c.name = r[1].value_or("");
  c.data_type = r[2].value_or("");
  c.column_type = r[3].value_or("");
  c.charset = r[4].value_or("");
  c.extra = r[5].value_or("");
  c.has_default = r[6].value_or("0") == "1";
  c.default_text = r[7].value_or("");
  c.nullable = r[8].value_or("YES") != "NO";
  return c;
}

// The base tables of `db` (only `table` when given), by name.
result<std::map<std::string, TableModel>> load_models(Connection& conn, const std::string& db,
                                                      const std::string* table) {
  const std::string in_table = table ? " AND TABLE_NAME = " + conn.quote(*table) : "";
  const std::string where = "TABLE_SCHEMA = " + conn.quote(db) + in_table;
  std::map<std::string, TableModel> out;
  auto charsets = conn.query(
      "SELECT t.TABLE_NAME, co.CHARACTER_SET_NAME, t.TABLE_TYPE FROM information_schema.TABLES t "
      "LEFT JOIN information_schema.COLLATIONS co ON co.COLLATION_NAME = t.TABLE_COLLATION "
      "WHERE t." +
      where + " AND t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')");
  if (!charsets.ok()) return charsets.err();
  std::set<std::string> versioned;
  for (auto& r : *charsets) {
    out[r[0].value_or("")].charset = r[1].value_or("");
    if (r[2].value_or("") == "SYSTEM VERSIONED") versioned.insert(r[0].value_or(""));
  }
  auto cols = conn.query(
      "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IFNULL(CHARACTER_SET_NAME, ''), "
      "EXTRA, COLUMN_DEFAULT IS NOT NULL, IFNULL(COLUMN_DEFAULT, ''), IS_NULLABLE FROM "
      "information_schema.COLUMNS WHERE " +
      where + " ORDER BY TABLE_NAME, ORDINAL_POSITION");
  if (!cols.ok()) return cols.err();
  for (auto& r : *cols) {
    auto it = out.find(r[0].value_or(""));
    if (it != out.end()) it->second.columns.push_back(model_info_column(r));
  }
  auto pk =
      conn.query("SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE " +
                 where + " AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY TABLE_NAME, ORDINAL_POSITION");
  if (!pk.ok()) return pk.err();
  for (auto& r : *pk) {
    auto it = out.find(r[0].value_or(""));
    if (it != out.end()) it->second.primary_key.push_back(r[1].value_or(""));
  }
  // The server ends every unique key of a system-versioned table with its row end; the key of
  // the table's rows is the rest (as SchemaLoader gives the rows).
  for (const auto& name : versioned) {
    auto& key = out[name].primary_key;
    if (!key.empty()) key.pop_back();
  }
  auto checks = conn.query(
      "SELECT TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE "
      "CONSTRAINT_SCHEMA = " +
      conn.quote(db) + in_table);
  if (!checks.ok()) return checks.err();
  for (auto& r : *checks) {
    auto it = out.find(r[0].value_or(""));
    const std::string column = json_check_column(r[1].value_or(""));
    if (it == out.end() || column.empty()) continue;
    for (auto& c : it->second.columns) c.is_json = c.is_json || c.name == column;
  }
  std::erase_if(out, [](const auto& t) { return t.second.columns.empty(); });
  return out;
}

}  // namespace

result<std::optional<TableModel>> load_table_model(Connection& conn, const std::string& db,
                                                   const std::string& table) {
  auto models = load_models(conn, db, &table);
  if (!models.ok()) return models.err();
  auto it = models->find(table);
  if (it == models->end()) return std::optional<TableModel>();  // no such table (dropped since)
  return std::optional<TableModel>(std::move(it->second));
}

result<void> load_database_model(Connection& conn, const std::string& db, SchemaModel& into) {
  auto server = conn.scalar("SELECT @@character_set_server");
  if (!server.ok()) return server.err();
  if (server->has_value()) into.set_server_charset(**server);
  auto charset = conn.scalar(
      "SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = " +
      conn.quote(db));
  if (!charset.ok()) return charset.err();
  into.drop_database(db);
  if (!charset->has_value()) return {};  // no such database: not tracked
  into.put_database(db, **charset);
  auto models = load_models(conn, db, nullptr);
  if (!models.ok()) return models.err();
  for (auto& [name, t] : *models) into.put(db, name, std::move(t));
  return {};
}

}  // namespace sluice::operators::mysql
