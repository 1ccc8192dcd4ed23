#include "operators/postgres/table_catalog.h"

#include <pqxx/pqxx>

namespace sluice::operators::postgres {

TableInfo& TableCatalog::get(pqxx::connection_base& c, const std::string& qualified) {
  auto it = by_text_.find(qualified);
  if (it != by_text_.end()) return *it->second;
  // Another spelling of a known table ("t" and "public.t") shares its entry.
  QualifiedName name = earlier_cut(c, parse_table_name(qualified), qualified);
  std::string quoted = name.quoted();
  auto known = tables_.find(quoted);
  if (known == tables_.end()) {
    auto t = std::make_unique<TableInfo>();
    t->name = std::move(name);
    t->quoted = quoted;
    load(c, *t, true);
    known = tables_.emplace(quoted, std::move(t)).first;
  }
  by_text_.emplace(qualified, known->second.get());
  return *known->second;
}

QualifiedName TableCatalog::earlier_cut(pqxx::connection_base& c, QualifiedName name,
                                        const std::string& qualified) {
  QualifiedName cut = parse_table_name(qualified, true);
  if (cut.quoted() == name.quoted()) return name;
  pqxx::nontransaction tx(c);
  auto exists = [&](const QualifiedName& n) {
    return tx.exec("SELECT to_regclass(" + quote_literal(n.quoted()) + ") IS NOT NULL")[0][0]
        .as<bool>();
  };
  return !exists(name) && exists(cut) ? cut : name;
}

TableInfo* TableCatalog::find(const std::string& qualified) const {
  auto it = by_text_.find(qualified);
  return it == by_text_.end() ? nullptr : it->second;
}

void TableCatalog::load(pqxx::connection_base& c, TableInfo& t, bool check_empty) {
  pqxx::nontransaction tx(c);
  std::string reg = "to_regclass(" + quote_literal(t.quoted) + ")";
  pqxx::result cols =
      tx.exec(std::string("SELECT a.attname, format_type(a.atttypid, a.atttypmod), ") +
              kGeneratedAttribute + " FROM pg_attribute a WHERE a.attrelid = " + reg +
              " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum");
  t.columns.clear();
  for (const auto& row : cols) {
    ColumnInfo ci;
    ci.name = row[0].as<std::string>();
    ci.type = row[1].as<std::string>();
    ci.kind = col_kind_for(ci.type);
    ci.generated = row[2].as<bool>();
    t.columns.push_back(std::move(ci));
  }
  t.exists = tx.exec("SELECT " + reg + " IS NOT NULL")[0][0].as<bool>();
  t.primary_key.clear();
  t.unique_keys.clear();
  if (!t.exists) {
    t.copy_safe = false;
    return;
  }
  pqxx::result pk = tx.exec(
      "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND "
      "a.attnum = ANY(i.indkey) WHERE i.indrelid = " +
      reg +
      " AND i.indisprimary "
      "ORDER BY array_position(i.indkey::int2[], a.attnum)");
  for (const auto& row : pk) t.primary_key.push_back(row[0].as<std::string>());
  load_unique_keys(tx, t, reg);
  t.refers_to.clear();
  for (const auto& row : tx.exec(
           "SELECT n.nspname, c.relname FROM pg_constraint k JOIN pg_class c ON c.oid = "
           "k.confrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE k.contype = 'f' AND "
           "k.conrelid = " +
           reg + " AND k.confrelid <> k.conrelid")) {
    t.refers_to.push_back(QualifiedName{row[0].c_str(), row[1].c_str()}.quoted());
  }
  if (check_empty) {
    t.copy_safe = tx.exec("SELECT NOT EXISTS (SELECT 1 FROM " + t.quoted + ")")[0][0].as<bool>();
    t.held_rows = !t.copy_safe;
  }
}

void TableCatalog::load_unique_keys(pqxx::transaction_base& tx, TableInfo& t,
                                    const std::string& reg) {
  pqxx::result r = tx.exec(
      "SELECT i.indexrelid, a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = "
      "i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = " +
      reg +
      " AND i.indisunique AND NOT i.indisprimary AND i.indpred IS NULL AND i.indexprs IS NULL "
      "ORDER BY i.indexrelid, array_position(i.indkey::int2[], a.attnum)");
  std::string index;
  for (const auto& row : r) {
    if (t.unique_keys.empty() || row[0].c_str() != index) t.unique_keys.emplace_back();
    index = row[0].c_str();
    t.unique_keys.back().push_back(row[1].as<std::string>());
  }
}

void TableCatalog::alter_types(pqxx::connection_base& c, TableInfo& t,
                               const std::vector<std::pair<std::string, std::string>>& columns) {
  std::string sql = "ALTER TABLE " + t.quoted;
  for (size_t i = 0; i < columns.size(); ++i) {
    sql += (i ? ", " : " ") + std::string("ALTER COLUMN ") + quote_ident(columns[i].first) +
           " TYPE " + columns[i].second;
  }
  {
    pqxx::work tx(c);
    tx.exec(sql);
    tx.commit();
  }
  load(c, t, false);
}

void TableCatalog::add_primary_key(pqxx::connection_base& c, TableInfo& t,
                                   const std::vector<std::string>& key) {
  {
    pqxx::work tx(c);
    tx.exec("ALTER TABLE " + t.quoted + " ADD PRIMARY KEY (" + quote_ident_list(key) + ")");
    tx.commit();
  }
  load(c, t, false);
}

void TableCatalog::create(pqxx::connection_base& c, TableInfo& t,
                          const std::vector<std::pair<std::string, std::string>>& columns,
                          const std::vector<std::string>& primary_key) {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + t.quoted + " (";
  bool first = true;
  for (const auto& [name, type] : columns) {
    if (!first) sql += ", ";
    first = false;
    sql += quote_ident(name) + " " + type;
  }
  if (!primary_key.empty()) sql += ", PRIMARY KEY (" + quote_ident_list(primary_key) + ")";
  sql += ")";
  // CREATE ... IF NOT EXISTS is not safe against a concurrent creator (another sink of the
  // pipeline creating the same schema): its unique violation means "exists now", try again.
  for (int attempt = 0;; ++attempt) {
    try {
      pqxx::work tx(c);
      if (t.name.schema != "public")
        tx.exec("CREATE SCHEMA IF NOT EXISTS " + quote_ident(t.name.schema));
      tx.exec(sql);
      tx.commit();
      break;
    } catch (const pqxx::unique_violation&) {
      if (attempt < 3) continue;
      load(c, t, false);
      if (!t.exists) throw;
      break;
    } catch (const pqxx::sql_error&) {
      // Another instance may have created it at the same moment: fine if it exists now.
      load(c, t, false);
      if (!t.exists) throw;
      break;
    }
  }
  bool was_new = !t.exists;
  load(c, t, false);
  if (was_new) t.copy_safe = true;
}

void TableCatalog::add_columns(pqxx::connection_base& c, TableInfo& t,
                               const std::vector<std::pair<std::string, std::string>>& columns) {
  std::string sql = "ALTER TABLE " + t.quoted;
  bool first = true;
  for (const auto& [name, type] : columns) {
    sql += first ? " " : ", ";
    first = false;
    sql += "ADD COLUMN IF NOT EXISTS " + quote_ident(name) + " " + type;
  }
  {
    pqxx::work tx(c);
    tx.exec(sql);
    tx.commit();
  }
  load(c, t, false);
}

}  // namespace sluice::operators::postgres
