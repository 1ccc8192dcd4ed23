#include "operators/mysql/schema_change_rows.h"

#include <algorithm>
#include <cctype>

#include "operators/mysql/ddl_cursor.h"
#include "operators/mysql/ddl_lexer.h"

namespace sluice::operators::mysql {

namespace {

// `s` between `q`s, a `q` inside doubled.
std::string quote_with(const std::string& s, char q) {
  std::string out(1, q);
  for (char ch : s) {
    out.push_back(ch);
    if (ch == q) out.push_back(q);
  }
  out.push_back(q);
  return out;
}

}  // namespace

std::string debezium_table_id(const std::string& db, const std::string& table) {
  return quote_with(db, '"') + "." + quote_with(table, '"');
}

std::string drop_table_ddl(const std::string& sql, const std::string& db,
                           const std::string& table) {
  // The words before the first name: DROP [TEMPORARY] TABLE [IF EXISTS].
  size_t i = 0, words_end = 0;
  auto word = [&](const char* w) {
    size_t j = i;
    while (j < sql.size() && std::isspace(static_cast<unsigned char>(sql[j])) != 0) ++j;
    size_t k = 0;
    while (w[k] != 0 && j + k < sql.size() &&
           std::toupper(static_cast<unsigned char>(sql[j + k])) == w[k]) {
      ++k;
    }
    if (w[k] != 0 || (j + k < sql.size() && std::isalnum(static_cast<unsigned char>(sql[j + k])))) {
      return false;
    }
    i = j + k;
    words_end = i;
    return true;
  };
  if (!word("DROP")) return sql;
  word("TEMPORARY");
  if (!word("TABLE")) return sql;
  if (word("IF")) word("EXISTS");
  return sql.substr(0, words_end) + " " + quote_ident(db) + "." + quote_ident(table);
}

Object schema_change_row(const std::string& db, const std::string& table, const std::string& sql,
                         const char* type, Value table_value) {
  List changes;
  if (type != nullptr) {
    Object change;
    change.append(intern("type"), Value::string(type));
    change.append(intern("id"), Value::string(debezium_table_id(db, table)));
    change.append(intern("table"), std::move(table_value));
    changes.push_back(Value::object(std::move(change)));
  }
  Object row;
  row.append(intern("databaseName"), Value::string(db));
  row.append(intern("ddl"), Value::string(sql));
  row.append(intern("tableChanges"), Value::list(std::move(changes)));
  return row;
}

namespace {

// The clauses of RENAME TABLE a TO b, c TO d as Debezium writes each: "RENAME TABLE a TO b"
// (the clause as written); empty when `sql` is not a RENAME TABLE statement.
std::vector<std::string> rename_clauses(const std::string& sql) {
  const std::vector<Token> t = lex_sql(sql);
  auto word = [&](size_t i, const char* w) {
    return t[i].kind == TokenKind::Word && ddl_iequals(t[i].text, w);
  };
  std::vector<std::string> out;
  if (t.size() < 3 || !word(0, "RENAME") || !(word(1, "TABLE") || word(1, "TABLES"))) return out;
  size_t first = 2;
  for (size_t i = 2; i < t.size(); ++i) {
    const bool end = t[i].kind == TokenKind::End ||
                     (t[i].kind == TokenKind::Punct && (t[i].text == "," || t[i].text == ";"));
    if (!end) continue;
    if (i > first) {
      out.push_back("RENAME TABLE " + sql.substr(t[first].begin, t[i - 1].end - t[first].begin));
    }
    if (t[i].kind == TokenKind::End || t[i].text == ";") break;
    first = i + 1;
  }
  return out;
}

}  // namespace

std::vector<SchemaChangeRow> schema_change_rows(const SchemaModel& model, const DdlStatement& d,
                                                const std::string& sql,
                                                const std::string& session_db,
                                                const TableFilter& filter) {
  using K = DdlStatement::Kind;
  std::vector<SchemaChangeRow> out;
  if (database_level(d.kind)) {
    const bool in_session = d.kind == K::AlterDatabase;
    const std::string& db = in_session ? session_db : d.tables.front().first;
    if ((in_session && db.empty()) || filter.matches_database(db)) {
      out.push_back({db, "", schema_change_row(db, "", sql, nullptr, Value())});
    }
    return out;
  }
  auto described = [&](const std::string& db, const std::string& table) {
    const TableModel* t = model.find(db, table);
    return t != nullptr ? describe_model(*t) : Value();
  };
  if (d.kind == K::Rename) {  // old, new, old, new, ...
    const std::vector<std::string> clauses = rename_clauses(sql);
    for (size_t i = 0; i + 1 < d.tables.size(); i += 2) {
      const auto& from = d.tables[i];
      const auto& [db, table] = d.tables[i + 1];
      if (!filter.matches_database(from.first) && !filter.matches_database(db)) continue;
      const std::string& ddl = clauses.size() * 2 == d.tables.size() ? clauses[i / 2] : sql;
      out.push_back({db, table, schema_change_row(db, table, ddl, "ALTER", described(db, table))});
    }
    return out;
  }
  const char* type = d.kind == K::Create ? "CREATE" : d.kind == K::Drop ? "DROP" : "ALTER";
  if (d.kind == K::Truncate) type = nullptr;
  for (const auto& [db, table] : d.tables) {
    if (!filter.matches_database(db)) continue;
    const bool describe = type != nullptr && d.kind != K::Drop;
    const std::string ddl = d.kind == K::Drop ? drop_table_ddl(sql, db, table) : sql;
    out.push_back(
        {db, table,
         schema_change_row(db, table, ddl, type, describe ? described(db, table) : Value())});
  }
  return out;
}

result<SchemaModel> seed_schema_model(Connection& conn, const TableFilter& filter) {
  auto rows = conn.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY 1");
  if (!rows.ok()) return rows.err();
  SchemaModel model;
  for (const auto& r : *rows) {
    const std::string db = r[0].value_or("");
    if (!filter.matches_database(db)) continue;
    auto loaded = load_database_model(conn, db, model);
    if (!loaded.ok()) return loaded.err();
  }
  return model;
}

namespace {

// The statement of SHOW CREATE TABLE (its second column; "" when the server gives none).
result<std::string> show_create_table(Connection& conn, const std::string& db,
                                      const std::string& table) {
  auto rows = conn.query("SHOW CREATE TABLE " + quote_ident(db) + "." + quote_ident(table));
  if (!rows.ok()) return rows.err();
  if (rows->empty() || rows->front().size() < 2) return std::string();
  return rows->front()[1].value_or("");
}

// Debezium's first snapshot statement: SET character_set_server=..., collation_server=...
result<std::string> server_charset_statement(Connection& conn) {
  auto rows = conn.query(
      "SHOW VARIABLES WHERE Variable_name IN ('character_set_server', 'collation_server')");
  if (!rows.ok()) return rows.err();
  std::vector<std::string> sets;
  for (const auto& r : *rows) sets.push_back(r[0].value_or("") + "=" + r[1].value_or(""));
  std::sort(sets.begin(), sets.end());
  std::string out = "SET ";
  for (size_t i = 0; i < sets.size(); ++i) out += (i > 0 ? ", " : "") + sets[i];
  return out;
}

// CREATE DATABASE `db` CHARSET x COLLATE y, from information_schema.SCHEMATA.
result<std::string> create_database_statement(Connection& conn, const std::string& db) {
  auto rows = conn.query(
      "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM "
      "information_schema.SCHEMATA WHERE SCHEMA_NAME = " +
      conn.quote(db));
  if (!rows.ok()) return rows.err();
  std::string out = "CREATE DATABASE " + quote_ident(db);
  if (!rows->empty()) {
    out +=
        " CHARSET " + rows->front()[0].value_or("") + " COLLATE " + rows->front()[1].value_or("");
  }
  return out;
}

}  // namespace

result<std::vector<SchemaChangeRow>> snapshot_schema_rows(Connection& conn,
                                                          const TableFilter& filter,
                                                          const SchemaModel& model) {
  std::vector<SchemaChangeRow> out;
  auto set = server_charset_statement(conn);
  if (!set.ok()) return set.err();
  out.push_back({"", "", schema_change_row("", "", *set, nullptr, Value())});
  std::vector<std::string> dbs;
  for (const auto& entry : model.databases()) {
    if (filter.matches_database(entry.first)) dbs.push_back(entry.first);
  }
  for (const auto& db : dbs) {
    for (const auto& table : model.tables_of(db)) {
      const std::string ddl = "DROP TABLE IF EXISTS " + quote_ident(db) + "." + quote_ident(table);
      out.push_back({db, table, schema_change_row(db, table, ddl, "DROP", Value())});
    }
  }
  for (const auto& db : dbs) {
    auto create_db = create_database_statement(conn, db);
    if (!create_db.ok()) return create_db.err();
    for (const std::string& ddl :
         {"DROP DATABASE IF EXISTS " + quote_ident(db), *create_db, "USE " + quote_ident(db)}) {
      out.push_back({db, "", schema_change_row(db, "", ddl, nullptr, Value())});
    }
    for (const auto& table : model.tables_of(db)) {
      auto create = show_create_table(conn, db, table);
      if (!create.ok()) return create.err();
      const TableModel* t = model.find(db, table);
      out.push_back({db, table,
                     schema_change_row(db, table, *create, "CREATE",
                                       t != nullptr ? describe_model(*t) : Value())});
    }
  }
  return out;
}

}  // namespace sluice::operators::mysql
