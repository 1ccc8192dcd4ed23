#include "operators/postgres/sink_table_ddl.h"

#include <pqxx/pqxx>

#include "operators/postgres/sql_text.h"

namespace sluice::operators::postgres {
namespace {

std::string first_line(const char* what) {
  std::string s = what;
  s = s.substr(0, s.find('\n'));
  if (s.rfind("ERROR:  ", 0) == 0) s = s.substr(8);
  return s;
}

// The statements the owner runs, and the grant, in one message.
[[noreturn]] void refused(pqxx::connection_base& c, const SinkTableSpec& spec,
                          const std::string& statements, const pqxx::sql_error& e) {
  std::string role;
  try {
    pqxx::nontransaction tx(c);
    role = tx.exec("SELECT current_user")[0][0].c_str();
  } catch (const std::exception&) {
    role = "the sink's role";
  }
  throw SinkTableRefused(
      std::string("the role ") + role + " may not prepare " + spec.table + ", the table where " +
      "the sink keeps its own state (" + first_line(e.what()) +
      "). Run as its owner, or a role that may " + "create in that schema: " + statements +
      " GRANT SELECT, INSERT, UPDATE, DELETE ON " + spec.table + " TO " + quote_ident(role) + ";");
}

}  // namespace

void ensure_sink_table(pqxx::connection_base& c, const SinkTableSpec& spec) {
  bool exists = false;
  {
    pqxx::nontransaction tx(c);
    exists = tx.exec(std::string("SELECT to_regclass(") + quote_literal(spec.table) +
                     ") IS NOT NULL")[0][0]
                 .as<bool>();
  }
  if (!exists) {
    std::string sql =
        std::string("CREATE TABLE IF NOT EXISTS ") + spec.table + " (" + spec.columns + ");";
    for (const auto& s : spec.after_create) sql += " " + s + ";";
    try {
      pqxx::work tx(c);
      tx.exec(sql);
      tx.commit();
    } catch (const pqxx::unique_violation&) {
      // created concurrently by another instance
    } catch (const pqxx::insufficient_privilege& e) {
      refused(c, spec, sql, e);
    }
    return;
  }
  if (spec.added.empty()) return;
  std::string names;
  for (const auto& [column, type] : spec.added)
    names += (names.empty() ? "" : ", ") + quote_literal(column);
  const std::string name = spec.table;
  const size_t dot = name.find('.');
  size_t present = 0;
  {
    pqxx::nontransaction tx(c);
    present = tx.exec("SELECT count(*) FROM information_schema.columns WHERE table_schema = " +
                      quote_literal(name.substr(0, dot)) +
                      " AND table_name = " + quote_literal(name.substr(dot + 1)) +
                      " AND column_name IN (" + names + ")")[0][0]
                  .as<size_t>();
  }
  if (present == spec.added.size()) return;
  std::string sql = std::string("ALTER TABLE ") + spec.table;
  for (size_t i = 0; i < spec.added.size(); ++i) {
    sql += std::string(i ? "," : "") + " ADD COLUMN IF NOT EXISTS " + spec.added[i].first + " " +
           spec.added[i].second;
  }
  try {
    pqxx::work tx(c);
    tx.exec(sql);
    tx.commit();
  } catch (const pqxx::insufficient_privilege& e) {
    refused(c, spec, sql + ";", e);
  }
}

}  // namespace sluice::operators::postgres
