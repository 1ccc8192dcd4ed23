// sluice reconcile against a Delta table: MariaDB -> `sluice run` -> a local delta upsert table
// (snapshot and binlog changes), then MariaDB is changed while the pipeline is stopped without
// the binlog carrying it (sql_log_bin = 0): reconcile reports exactly those keys as missing,
// extra and different, --repair sends them through the delta sink and the table read back by
// DuckDB equals MariaDB row for row; a second repair is not taken for a replay of the first. The
// same for a table on S3 (S3rver).
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "integration/ods_support.h"
#include "operators/delta/delta_log.h"
#include "support/duckdb_query.h"
#include "support/s3_server.h"

using namespace sluice::test;
using namespace sluice::test::ods;
using namespace std::chrono_literals;

namespace reconcile_delta_test {

using sluice::Type;
using sluice::Value;

// Each column as text on both sides: MariaDB's expression and DuckDB's.
struct Column {
  std::string name, my, duck;
};

const std::vector<Column>& columns() {
  static const std::vector<Column> cols = {
      {"id", "CAST(id AS CHAR)", "CAST(id AS VARCHAR)"},
      {"price", "CAST(price AS CHAR)", "CAST(price AS VARCHAR)"},
      {"name", "name", "name"},
      {"ts", "DATE_FORMAT(ts, '%Y-%m-%d %H:%i:%s.%f')",
       "strftime(ts::TIMESTAMP, '%Y-%m-%d %H:%M:%S.%f')"},
      {"d", "CAST(d AS CHAR)", "CAST(d AS VARCHAR)"},
      {"note", "note", "note"},
      {"ubig", "CAST(ubig AS CHAR)", "CAST(ubig AS VARCHAR)"},
      {"tm", "CAST(tm AS CHAR)", "tm"},
      {"doc", "JSON_COMPACT(doc)", "doc"},
      {"ratio", "CAST(CAST(ratio AS DECIMAL(12, 4)) AS CHAR)",
       "CAST(CAST(ratio AS DECIMAL(12, 4)) AS VARCHAR)"},
      {"data", "HEX(data)", "hex(data)"},
  };
  return cols;
}

// Every row of db.items as "v|v|..." ordered by id, NULL as <null>.
std::vector<std::string> mariadb_rows(const std::string& db) {
  std::string sel;
  for (const auto& c : columns()) {
    sel += (sel.empty() ? "" : ", '|', ") + ("IFNULL(" + c.my + ", '<null>')");
  }
  auto conn = mysql().connect();
  MariaDbServer::exec(conn.get(), "SET time_zone = '+00:00'");
  std::vector<std::string> out;
  for (auto& r : MariaDbServer::query(
           conn.get(), "SELECT CONCAT(" + sel + ") FROM " + db + ".items ORDER BY id")) {
    out.push_back(r[0].value_or("?"));
  }
  return out;
}

// The current rows of the Delta table (its log's live files) read by DuckDB, as mariadb_rows.
std::vector<std::string> lake_rows(const std::string& table_dir) {
  sluice::operators::delta::DeltaLog log(table_dir);
  if (!log.load() || log.live().empty()) return {};
  std::string files;
  for (const auto& [path, f] : log.live()) {
    files += (files.empty() ? "'" : ", '") + table_dir + "/" + path + "'";
  }
  std::string sel;
  for (const auto& c : columns()) {
    sel += (sel.empty() ? "" : " || '|' || ") + ("coalesce(" + c.duck + ", '<null>')");
  }
  Value rows = duckdb_query("SELECT " + sel + " AS r FROM read_parquet([" + files +
                            "], union_by_name = true) ORDER BY id");
  std::vector<std::string> out;
  for (const Value& row : rows.as_list()) {
    const Value* r = row.as_object().find(sluice::intern("r"));
    out.push_back(r != nullptr && r->type() == Type::String ? r->as_string() : "?");
  }
  return out;
}

// Polls until the Delta table equals MariaDB's table; "" then, else both sides.
std::string wait_same(const std::string& db, const std::string& table_dir) {
  const auto deadline = std::chrono::steady_clock::now() + 90s;
  std::vector<std::string> mine, theirs;
  while (std::chrono::steady_clock::now() < deadline) {
    mine = mariadb_rows(db);
    theirs = lake_rows(table_dir);
    if (mine == theirs) return "";
    std::this_thread::sleep_for(300ms);
  }
  std::string d = "mariadb " + std::to_string(mine.size()) + " rows, lake " +
                  std::to_string(theirs.size()) + " rows";
  for (size_t i = 0; i < mine.size() && i < theirs.size(); ++i) {
    if (mine[i] != theirs[i])
      return d + "; first difference: [" + mine[i] + "] [" + theirs[i] + "]";
  }
  return d;
}

// The `txn` version of the repair run's sink in the table's log (-1: none, -2: unreadable).
int64_t repair_txn(const std::string& table_dir) {
  sluice::operators::delta::DeltaLog log(table_dir);
  if (!log.load()) return -2;
  return log.txn_version("sluice/rdelta__repair/lake");
}

struct Fixture {
  std::string db = "rdelta_" + std::to_string(::getpid());
  Run run{"postgres", ""};
  std::string lake = run.dir.file("lake");
  std::vector<std::string> env = pipeline_env("postgres");

  // db.items: 30 rows of several types, NULLs among them.
  Fixture() {
    my_exec("DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db +
            " CHARACTER SET utf8mb4;"
            "CREATE TABLE " +
            db +
            ".items (id INT PRIMARY KEY, price DECIMAL(15,2) NOT NULL, name VARCHAR(40),"
            " ts DATETIME(6), d DATE, note VARCHAR(20) NULL, ubig BIGINT UNSIGNED, tm TIME(3),"
            " doc JSON, ratio DOUBLE, data VARBINARY(8));"
            "INSERT INTO " +
            db +
            ".items SELECT seq, seq * 1.25 - 10, CONCAT('name-', seq),"
            " TIMESTAMPADD(MICROSECOND, seq * 1001, '2024-02-29 10:00:00'),"
            " DATE_ADD('2020-01-01', INTERVAL seq DAY), IF(seq % 4 = 0, NULL, 'x'),"
            " 18446744073709551615 - seq, IF(seq % 3 = 0, NULL, '-12:00:00.5'),"
            " IF(seq % 5 = 0, NULL, CONCAT('{\"n\": ', seq, ', \"a\": [true, null]}')),"
            " seq / 4, IF(seq % 2 = 0, X'00FF', NULL) FROM " +
            db + ".seq_1_to_30");
  }
  // The pipeline: db's tables into `sinks` (fed by source src).
  void pipeline(const std::string& sinks) const {
    write_file(run.pipe,
               "pipeline rdelta {\n"
               "  settings { state_dir = \"var/rdelta\"  checkpoint_interval = 300ms }\n"
               "  source mysql src {\n"
               "    host = env(\"MYSQL_HOST\")  port = to_int(env(\"MYSQL_PORT\"))\n"
               "    user = env(\"MYSQL_USER\")  password = secret(\"MYSQL_PASSWORD\")\n"
               "    server_id = 7321  database = \"" +
                   db + "\"\n  }\n" + sinks + "}\n");
  }
  ProcResult reconcile(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"reconcile", run.pipe};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_sluice(args, env, run.dir.str(), 180s);
  }
  // Statements on MariaDB that the binlog does not carry: the pipeline never sees them.
  void unlogged(const std::string& sql) const { my_exec("SET sql_log_bin = 0; " + sql); }
};

}  // namespace reconcile_delta_test

BOOST_AUTO_TEST_SUITE(reconcile_delta)

using namespace reconcile_delta_test;

BOOST_AUTO_TEST_CASE(finds_and_repairs_differences) {
  Fixture f;
  const std::string items = f.lake + "/items";
  f.pipeline("  sink delta lake from src { path = \"" + f.lake +
             "/\" + @table  mode = upsert }\n"
             "  sink delta hist from src { path = \"" +
             f.run.dir.file("hist") + "/\" + @table }\n");
  f.run.start();
  const std::string snapshot = wait_same(f.db, items);
  BOOST_REQUIRE_MESSAGE(snapshot.empty(), "snapshot: " << snapshot << f.run.log_tail());
  // Changes the binlog carries: inserts, updates, a delete.
  my_exec("INSERT INTO " + f.db +
          ".items (id, price, name, ts, d, tm, doc) VALUES (31, 0.01, 'n31', '1970-01-01 "
          "00:00:00.000001', '1969-07-20', '838:59:59.000', '[]'), (32, -99999.99, NULL, NULL, "
          "NULL, NULL, NULL), (33, 1, 'n33', NULL, NULL, NULL, NULL), (34, 2, 'n34', NULL, NULL, "
          "NULL, NULL), (35, 3, 'Ærø ✓', NULL, NULL, NULL, NULL);"
          "UPDATE " +
          f.db +
          ".items SET price = price + 100, note = NULL WHERE id IN (5, 6);"
          "DELETE FROM " +
          f.db + ".items WHERE id = 7;");
  const std::string streamed = wait_same(f.db, items);
  BOOST_REQUIRE_MESSAGE(streamed.empty(), "streaming: " << streamed << f.run.log_tail());
  f.run.require_alive();
  auto stopped = f.run.stop();
  BOOST_REQUIRE_MESSAGE(stopped.exit_code == 0, stopped.err);

  auto clean = f.reconcile({"--chunk", "10"});
  BOOST_TEST(clean.exit_code == 0, clean.out << clean.err);
  BOOST_TEST(clean.out.find(f.db + ".items -> " + items +
                            " (sink lake): 34 source rows, 34 target rows, 0/4 chunks differ: "
                            "in sync") != std::string::npos,
             clean.out);
  BOOST_TEST(clean.out.find("skipping sink 'hist': mode is not upsert") != std::string::npos,
             clean.out);

  // While the pipeline is stopped, without the binlog: 3 updates, 2 deletes, 4 inserts.
  f.unlogged("UPDATE " + f.db +
             ".items SET price = price + 0.01 WHERE id = 2;"
             "UPDATE " +
             f.db +
             ".items SET ts = TIMESTAMPADD(MICROSECOND, 1, ts) WHERE id = 15;"
             "UPDATE " +
             f.db +
             ".items SET note = 'changed' WHERE id = 25;"
             "DELETE FROM " +
             f.db +
             ".items WHERE id IN (3, 13);"
             "INSERT INTO " +
             f.db +
             ".items (id, price, name, d) VALUES (100, 1.5, 'a', '2000-01-01'), (101, 2.5, 'b', "
             "NULL), (102, 3.5, NULL, NULL), (103, 4.5, 'd', '2001-02-03');");
  auto damaged = f.reconcile({"--chunk", "10"});
  BOOST_TEST(damaged.exit_code == 4, damaged.out << damaged.err);
  BOOST_TEST(damaged.out.find("36 source rows, 34 target rows, 4/4 chunks differ: 4 missing, 2 "
                              "extra, 3 different") != std::string::npos,
             damaged.out);
  BOOST_TEST(damaged.out.find("missing   4: (100) (101) (102) (103)\n") != std::string::npos,
             damaged.out);
  BOOST_TEST(damaged.out.find("extra     2: (3) (13)\n") != std::string::npos, damaged.out);
  BOOST_TEST(damaged.out.find("different 3: (2: price) (15: ts) (25: note)\n") != std::string::npos,
             damaged.out);

  auto repaired = f.reconcile({"--repair"});
  BOOST_TEST(repaired.exit_code == 0, repaired.out << repaired.err);
  BOOST_TEST(repaired.out.find("repair: sending 9 row(s) from 'src' through sink 'lake'") !=
                 std::string::npos,
             repaired.out);
  BOOST_TEST(repaired.out.find("after repair: " + f.db + ".items -> " + items + " in sync") !=
                 std::string::npos,
             repaired.out);
  BOOST_TEST(wait_same(f.db, items).empty(), wait_same(f.db, items));
  const int64_t first = repair_txn(items);
  BOOST_TEST(first > 0);

  // A second repair commits again (its checkpoint ids continue after the first one's).
  f.unlogged("UPDATE " + f.db + ".items SET name = 'again' WHERE id = 30;");
  auto again = f.reconcile({"--repair"});
  BOOST_TEST(again.exit_code == 0, again.out << again.err);
  BOOST_TEST(again.out.find("different 1: (30: name)") != std::string::npos, again.out);
  BOOST_TEST(repair_txn(items) > first);
  auto after = f.reconcile();
  BOOST_TEST(after.exit_code == 0, after.out << after.err);
  BOOST_TEST(wait_same(f.db, items).empty(), wait_same(f.db, items));
}

// The same on S3 (S3rver): the Delta side is read with the sink's `s3 { }` options.
BOOST_AUTO_TEST_CASE(a_table_on_s3) {
  S3Server server;
  Fixture f;
  f.env.push_back(std::string("S3_ACCESS=") + kS3AccessKey);
  f.env.push_back(std::string("S3_SECRET=") + kS3SecretKey);
  f.pipeline(
      "  sink delta lake from src {\n    path = \"s3://sluice/rd/\" + @table  mode = upsert\n"
      "    s3 { endpoint = \"" +
      server.endpoint() +
      "\"  access_key = secret(\"S3_ACCESS\")  secret_key = secret(\"S3_SECRET\") }\n"
      "  }\n");
  auto run = run_sluice({"run", f.run.pipe, "--exit-when-idle", "3s", "--quiet"}, f.env,
                        f.run.dir.str(), 180s);
  BOOST_REQUIRE_MESSAGE(run.exit_code == 0, run.err);

  auto clean = f.reconcile();
  BOOST_TEST(clean.exit_code == 0, clean.out << clean.err);
  BOOST_TEST(
      clean.out.find(f.db + ".items -> s3://sluice/rd/items (sink lake): 30 source rows, "
                            "30 target rows, 0/1 chunks differ: in sync") != std::string::npos,
      clean.out);
  f.unlogged("UPDATE " + f.db +
             ".items SET doc = '{\"n\": 0}' WHERE id = 4;"
             "DELETE FROM " +
             f.db +
             ".items WHERE id = 9;"
             "INSERT INTO " +
             f.db + ".items (id, price) VALUES (31, 0);");
  auto damaged = f.reconcile();
  BOOST_TEST(damaged.exit_code == 4, damaged.out << damaged.err);
  BOOST_TEST(damaged.out.find("1 missing, 1 extra, 1 different") != std::string::npos, damaged.out);
  auto repaired = f.reconcile({"--repair"});
  BOOST_TEST(repaired.exit_code == 0, repaired.out << repaired.err);
  BOOST_TEST(repaired.out.find("after repair: " + f.db +
                               ".items -> s3://sluice/rd/items in sync") != std::string::npos,
             repaired.out);
  BOOST_TEST(f.reconcile().exit_code == 0);
}

BOOST_AUTO_TEST_SUITE_END()
