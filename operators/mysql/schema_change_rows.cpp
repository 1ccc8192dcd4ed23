#include "operators/mysql/schema_change_rows.h"

#include <cctype>

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
  return sql.substr(0, words_end) + " " + quote_with(db, '`') + "." + quote_with(table, '`');
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

}  // namespace sluice::operators::mysql
