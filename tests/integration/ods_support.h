// End-to-end helpers for the MySQL -> PostgreSQL ODS tests (ods_test.cpp): one private
// MariaDB and one private PostgreSQL per test executable, a running `sluice` child, and the
// column-by-column comparison of a MariaDB table with its ODS copy through SELECTs on both
// servers (decimals as text, DATETIME/TIMESTAMP to the microsecond, NULLs).
#pragma once
#include <signal.h>
#include <sys/wait.h>

#include <boost/test/unit_test.hpp>
#include <cctype>
#include <chrono>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/mariadb_server.h"
#include "support/postgres_server.h"
#include "support/process.h"

namespace sluice::test::ods {

inline MariaDbServer& mysql() { return MariaDbServer::shared(); }
inline PostgresServer& pg() {
  static PostgresServer s(false);
  return s;
}

inline std::string sql_file(const std::string& name) {
  return read_file(source_dir() + "/pipelines/sql/" + name);
}

// Runs statements on one connection with the session in UTC.
inline void my_exec(const std::string& sql) {
  auto c = mysql().connect();
  MariaDbServer::exec(c.get(), "SET time_zone = '+00:00'");
  MariaDbServer::exec(c.get(), sql);
}

// Affected rows of one statement (changed rows, as the binlog logs them).
inline uint64_t my_change(MYSQL* m, const std::string& sql) {
  if (mysql_real_query(m, sql.data(), sql.size()) != 0) {
    throw std::runtime_error("query failed: " + std::string(mysql_error(m)) + " in " + sql);
  }
  return mysql_affected_rows(m);
}

// A table's columns as MariaDB declares them, and the expression giving each value as text
// on both sides.
struct ColumnText {
  std::string name, my_expr, pg_expr;
};

inline std::vector<ColumnText> columns_of(const std::string& db, const std::string& table) {
  auto rows = mysql().query(
      "SELECT COLUMN_NAME, DATA_TYPE, IFNULL(DATETIME_PRECISION, 0) FROM "
      "information_schema.COLUMNS WHERE TABLE_SCHEMA = '" +
      db + "' AND TABLE_NAME = '" + table + "' ORDER BY ORDINAL_POSITION");
  std::vector<ColumnText> out;
  for (auto& r : rows) {
    std::string n = *r[0], type = *r[1];
    int fsp = std::stoi(*r[2]);
    std::string q = "\"" + n + "\"";
    std::string pg = q + "::text";
    if (type == "datetime" || type == "timestamp") {
      std::string fmt = "YYYY-MM-DD HH24:MI:SS";
      if (fsp == 6) fmt += ".US";
      if (fsp == 3) fmt += ".MS";
      pg = "to_char(" + q + ", '" + fmt + "')";
    }
    out.push_back({n, "`" + n + "`", pg});
  }
  return out;
}

// Every row of db.table in MariaDB and ods.table in PostgreSQL as "v1|v2|..." lines ordered by
// `order_by`; NULL as <NULL>.
inline std::vector<std::string> my_rows(const std::string& db, const std::string& table,
                                        const std::vector<ColumnText>& cols,
                                        const std::string& order_by) {
  std::string sel;
  for (auto& c : cols) sel += (sel.empty() ? "" : ", ") + c.my_expr;
  auto conn = mysql().connect();
  MariaDbServer::exec(conn.get(), "SET time_zone = '+00:00'");
  auto rows = MariaDbServer::query(
      conn.get(), "SELECT " + sel + " FROM `" + db + "`.`" + table + "` ORDER BY " + order_by);
  std::vector<std::string> out;
  for (auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) line += (i ? "|" : "") + r[i].value_or("<NULL>");
    out.push_back(std::move(line));
  }
  return out;
}

inline std::vector<std::string> pg_rows(const std::string& pgdb, const std::string& table,
                                        const std::vector<ColumnText>& cols,
                                        const std::string& order_by) {
  std::string sel;
  for (auto& c : cols) {
    sel += (sel.empty() ? "" : " || '|' || ") + ("coalesce(" + c.pg_expr + ", '<NULL>')");
  }
  std::string out = pg().psql(
      "SET TimeZone = 'UTC'; SELECT " + sel + " FROM ods." + table + " ORDER BY " + order_by + ";",
      pgdb);
  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string l; std::getline(in, l);) {
    if (l == "SET") continue;
    lines.push_back(l);
  }
  return lines;
}

// "" when equal, else a description of the first difference. Rows are ordered by the first
// column (the primary key of every table here).
inline std::string diff_table(const std::string& db, const std::string& pgdb,
                              const std::string& table) {
  auto cols = columns_of(db, table);
  if (cols.empty()) return table + ": no such table in " + db;
  auto a = my_rows(db, table, cols, cols[0].my_expr);
  auto b = pg_rows(pgdb, table, cols, "\"" + cols[0].name + "\"");
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    if (a[i] != b[i])
      return table + " row " + std::to_string(i) + ": mysql [" + a[i] + "] ods [" + b[i] + "]";
  }
  if (a.size() != b.size()) {
    return table + ": mysql " + std::to_string(a.size()) + " rows, ods " +
           std::to_string(b.size()) + (b.empty() ? "" : " (ods first row: " + b.front() + ")");
  }
  return "";
}

inline std::string diff_tables(const std::string& db, const std::string& pgdb,
                               const std::vector<std::string>& tables) {
  for (auto& t : tables) {
    std::string d = diff_table(db, pgdb, t);
    if (!d.empty()) return d;
  }
  return "";
}

// Polls until every table equals its source (or the timeout); returns the last difference.
inline std::string wait_equal(const std::string& db, const std::string& pgdb,
                              const std::vector<std::string>& tables,
                              std::chrono::seconds timeout = std::chrono::seconds(60)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string d;
  while (std::chrono::steady_clock::now() < deadline) {
    d = diff_tables(db, pgdb, tables);
    if (d.empty()) return d;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  return d;
}

// "COUNT SUM" of db.table in MariaDB and of ods.table in PostgreSQL over the rows as my_rows /
// pg_rows give them (the sum of each row's MD5, its first 60 bits), computed by the servers:
// big tables compared without loading them here.
inline std::string my_digest(const std::string& db, const std::string& table,
                             const std::vector<ColumnText>& cols) {
  std::string sel;
  for (auto& c : cols) sel += (sel.empty() ? "" : ", ") + ("IFNULL(" + c.my_expr + ", '<NULL>')");
  auto conn = mysql().connect();
  MariaDbServer::exec(conn.get(), "SET time_zone = '+00:00'");
  // The sum of each row's MD5 (its first 60 bits): exact, and in any order.
  auto rows = MariaDbServer::query(
      conn.get(),
      "SELECT CONCAT(COUNT(*), ' ', IFNULL(SUM(CAST(CONV(SUBSTRING(MD5(CONCAT_WS('|', " + sel +
          ")), 1, 15), 16, 10) AS UNSIGNED)), 0)) FROM `" + db + "`.`" + table + "`");
  return rows.empty() ? "" : rows[0][0].value_or("");
}

inline std::string pg_digest(const std::string& pgdb, const std::string& table,
                             const std::vector<ColumnText>& cols) {
  std::string sel;
  for (auto& c : cols) {
    sel += (sel.empty() ? "" : " || '|' || ") + ("coalesce(" + c.pg_expr + ", '<NULL>')");
  }
  std::string out =
      pg().psql("SET TimeZone = 'UTC'; SELECT count(*) || ' ' || coalesce(sum(('x' || substr(md5(" +
                    sel + "), 1, 15))::bit(60)::bigint), 0) FROM ods." + table + ";",
                pgdb);
  const size_t nl = out.rfind('\n');
  return nl == std::string::npos ? out : out.substr(nl + 1);
}

// Polls until every table's digest equals its source's (or the timeout); "" when equal, else
// the first row that differs (diff_table, which loads both sides).
inline std::string wait_same_digest(const std::string& db, const std::string& pgdb,
                                    const std::vector<std::string>& tables,
                                    std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    bool same = true;
    for (const auto& t : tables) {
      auto cols = columns_of(db, t);
      if (!same || cols.empty()) {
        same = false;
        continue;
      }
      const std::string m = my_digest(db, t, cols);
      same = !m.empty() && std::isdigit(static_cast<unsigned char>(m[0])) &&
             m == pg_digest(pgdb, t, cols);
    }
    if (same) return "";
    if (std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  std::string d = diff_tables(db, pgdb, tables);
  return d.empty() ? "the digests differ but no row does (check my_digest/pg_digest)" : d;
}

// The environment the pipelines read (MYSQL_*, ODS_URL).
inline std::vector<std::string> pipeline_env(const std::string& pgdb) {
  return {"MYSQL_HOST=127.0.0.1", "MYSQL_PORT=" + std::to_string(mysql().port()),
          "MYSQL_USER=sluice", "MYSQL_PASSWORD=sluice-pw", "ODS_URL=" + pg().url(pgdb)};
}

// A fresh PostgreSQL database for one test.
inline std::string fresh_pg_db(const std::string& name) {
  pg().psql("DROP DATABASE IF EXISTS " + name + "; CREATE DATABASE " + name + ";");
  return name;
}

// Loads the banking schema and data (scale sf) into a fresh `bank` database.
inline void load_bank(double sf) {
  my_exec("DROP DATABASE IF EXISTS bank");
  my_exec(sql_file("bank_schema.sql"));
  my_exec("SET @sf = " + std::to_string(sf) + ";\n" + sql_file("bank_data.sql"));
}

// The pipeline file `name` with extra settings lines inserted after its state_dir line.
inline std::string pipe_with_settings(const std::string& name, const std::string& extra) {
  std::string text = read_file(source_dir() + "/pipelines/" + name);
  size_t at = text.find("state_dir");
  at = text.find('\n', at);
  text.insert(at + 1, "    " + extra + "\n");
  return text;
}

inline std::string pg_value(const std::string& pgdb, const std::string& sql) {
  return pg().psql(sql, pgdb);
}

// A `sluice run` child on a pipeline text, with the environment of pipeline_env(pgdb) and its
// log in its own directory.
struct Run {
  TempDir dir;
  std::string pgdb;
  std::string pipe;
  std::unique_ptr<Child> child;
  std::string args;  // more arguments of `sluice run` (" --api ADDR")

  Run(const std::string& db, const std::string& pipe_text) : pgdb(db) {
    pipe = dir.file("p.pipe");
    write_file(pipe, pipe_text);
  }
  void start() {
    child = std::make_unique<Child>(
        std::vector<std::string>{
            "/bin/sh", "-c",
            "exec " + sluice_bin() + " run " + pipe + args + " 2>>" + dir.file("sluice.log")},
        pipeline_env(pgdb), dir.str());
  }
  ProcResult stop(int sig = SIGTERM) {
    child->signal(sig);
    auto r = child->wait(std::chrono::seconds(60));
    child.reset();
    r.err = read_file(dir.file("sluice.log"));
    return r;
  }
  // On a failure: stops sluice and returns the end of its log.
  std::string log_tail() {
    std::string e = read_file(dir.file("sluice.log"));
    return "\nsluice log:\n" + e.substr(e.size() > 4000 ? e.size() - 4000 : 0);
  }
  void require_alive() {
    int status = 0;
    if (child && ::waitpid(child->pid(), &status, WNOHANG) == child->pid()) {
      auto r = child->wait(std::chrono::seconds(1));
      BOOST_FAIL(
          "sluice exited early: " << r.err.substr(r.err.size() > 3000 ? r.err.size() - 3000 : 0));
    }
  }
};

}  // namespace sluice::test::ods
