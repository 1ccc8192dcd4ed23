// issue 23, sink delta: MariaDB -> `sluice run` -> Delta Lake tables in local directories, read
// back by a real reader (DuckDB's read_parquet over the files the log references: adds minus
// removes). Every type, a column added while running, a TRUNCATE, and exactly once across two
// kill -9 while a writer changes the source at full speed.
#include <algorithm>
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "base/json.h"
#include "integration/ods_support.h"
#include "operators/delta/s3_client.h"
#include "support/duckdb_query.h"
#include "support/s3_server.h"

using namespace sluice::test;
using namespace sluice::test::ods;

namespace delta_sink_test {

using sluice::Type;
using sluice::Value;

const sluice::Value* member(const Value& v, const char* name) {
  return v.type() == Type::Object ? v.as_object().find(sluice::intern(name)) : nullptr;
}

size_t duckdb_size(const Value& rows) { return rows.as_list().size(); }

// Column `col` of row i as text ("" for null; numbers as their JSON text).
std::string duckdb_text(const Value& rows, size_t i, const char* col) {
  const Value* v = member(rows.as_list().at(i), col);
  if (v == nullptr || v->is_null()) return "";
  if (v->type() == Type::String) return v->as_string();
  return sluice::json::encode(*v);
}

// The actions of every commit of a table's log, in version order (one Value per line).
std::vector<std::vector<Value>> log_commits(const std::string& table_dir) {
  std::vector<std::string> names;
  const std::string log_dir = table_dir + "/_delta_log";
  if (!std::filesystem::exists(log_dir)) return {};
  for (const auto& e : std::filesystem::directory_iterator(log_dir)) {
    std::string n = e.path().filename().string();
    if (n.size() == 25 && n.substr(20) == ".json") names.push_back(n);
  }
  std::sort(names.begin(), names.end());
  std::vector<std::vector<Value>> out;
  for (const auto& n : names) {
    std::istringstream in(read_file(log_dir + "/" + n));
    std::vector<Value> actions;
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      auto v = sluice::json::parse(line);
      BOOST_REQUIRE_MESSAGE(v.ok(), n << ": " << line);
      actions.push_back(std::move(v.value()));
    }
    out.push_back(std::move(actions));
  }
  return out;
}

// The data files of the table's current snapshot: adds minus removes.
std::vector<std::string> live_files(const std::string& table_dir) {
  std::set<std::string> live;
  for (const auto& commit : log_commits(table_dir)) {
    for (const Value& a : commit) {
      if (const Value* add = member(a, "add")) live.insert(member(*add, "path")->as_string());
      if (const Value* rm = member(a, "remove")) live.erase(member(*rm, "path")->as_string());
    }
  }
  return {live.begin(), live.end()};
}

// read_parquet over the table's snapshot, or "" when it has no file yet.
std::string table_sql(const std::string& table_dir) {
  auto files = live_files(table_dir);
  if (files.empty()) return "";
  std::string list;
  for (const auto& f : files) list += (list.empty() ? "'" : ", '") + table_dir + "/" + f + "'";
  return "read_parquet([" + list + "], union_by_name = true)";
}

// Rows of the table's snapshot (0 without one).
int64_t lake_count(const std::string& table_dir) {
  std::string from = table_sql(table_dir);
  if (from.empty()) return 0;
  auto rows = duckdb_query("SELECT count(*)::VARCHAR AS n FROM " + from);
  return std::stoll(duckdb_text(rows, 0, "n"));
}

// Waits until the table holds n rows; false when it holds more, or fewer after `seconds`.
bool wait_count(const std::string& table_dir, int64_t n, int seconds = 90) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    const int64_t have = lake_count(table_dir);
    if (have >= n) return have == n;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  return false;
}

std::string pipe_text(const std::string& name, const std::string& db, int server_id,
                      const std::string& lake, const std::string& extra = "") {
  return "pipeline " + name + " {\n  settings { state_dir = \"var/" + name +
         "\"  checkpoint_interval = 300ms }\n"
         "  source mysql src {\n"
         "    host = env(\"MYSQL_HOST\")  port = to_int(env(\"MYSQL_PORT\"))  user = "
         "env(\"MYSQL_USER\")\n"
         "    password = secret(\"MYSQL_PASSWORD\")  server_id = " +
         std::to_string(server_id) + "  database = \"" + db +
         "\"\n  }\n"
         "  sink delta lake from src { path = \"" +
         lake + "/\" + @table  " + extra +
         " dead_letter = dlq }\n"
         "  sink file dlq { path = \"var/" +
         name + "/dlq.jsonl\" }\n}\n";
}

}  // namespace delta_sink_test

BOOST_AUTO_TEST_SUITE(delta_sink)

using namespace delta_sink_test;

BOOST_AUTO_TEST_CASE(every_type_exact_schema_growth_and_truncate) {
  my_exec(
      "DROP DATABASE IF EXISTS lake; CREATE DATABASE lake CHARACTER SET utf8mb4;"
      "CREATE TABLE lake.items (id INT PRIMARY KEY, ver INT NOT NULL, qty SMALLINT, big BIGINT,"
      " ubig BIGINT UNSIGNED, price DECIMAL(15,2), wide DECIMAL(65,30), d38 DECIMAL(38,10),"
      " ratio DOUBLE, name VARCHAR(50), note TEXT, data VARBINARY(20), d DATE, ts DATETIME(6),"
      " tm TIME(3), flag TINYINT(1), doc JSON, e ENUM('a','b'));"
      "INSERT INTO lake.items VALUES"
      " (1, 1, -32768, -9223372036854775808, 18446744073709551615, -1234567890123.45,"
      "  '12345678901234567890123456789012345.123456789012345678901234567891',"
      "  '-1234567890123456789012345678.0123456789', 1.5, 'Ærø ✓', '', X'00FF10', '1969-07-20',"
      "  '1970-01-01 00:00:00.000001', '-838:59:59.000', 1, '{\"a\": 1, \"b\": [true, null]}', "
      "'a'),"
      " (2, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
      "  NULL, NULL),"
      " (3, 1, 7, 9223372036854775807, 0, 0.01, 0, 0, -0.25, 'x', 'long text', X'', '2038-01-19',"
      "  '2024-02-29 23:59:59.999999', '12:00:00.5', 0, '[]', 'b');"
      "CREATE TABLE lake.gone (id INT PRIMARY KEY, v VARCHAR(10));"
      "INSERT INTO lake.gone VALUES (1, 'one'), (2, 'two');");
  Run run(fresh_pg_db("delta_types"), "");
  const std::string lake = run.dir.file("lake");
  write_file(run.pipe, pipe_text("delta_types", "lake", 7901, lake));
  run.start();
  BOOST_REQUIRE_MESSAGE(wait_count(lake + "/items", 3), "snapshot" << run.log_tail());
  // Streaming: an insert, updates, a delete, a column added, a TRUNCATE.
  my_exec(
      "INSERT INTO lake.items (id, ver, price, name) VALUES (4, 1, 99999.99, 'new');"
      "UPDATE lake.items SET ver = 2, price = price + 1, name = 'renamed' WHERE id = 3;"
      "DELETE FROM lake.items WHERE id = 2;"
      "ALTER TABLE lake.items ADD COLUMN extra DECIMAL(5,2);"
      "INSERT INTO lake.items (id, ver, extra) VALUES (5, 1, -1.5);"
      "UPDATE lake.items SET ver = 2, extra = 2.25 WHERE id = 1;"
      "TRUNCATE TABLE lake.gone;");
  // 3 reads + insert + update + delete + insert + update = 8 events; gone: 2 reads + truncate.
  BOOST_REQUIRE_MESSAGE(wait_count(lake + "/items", 8), "streaming" << run.log_tail());
  BOOST_REQUIRE_MESSAGE(wait_count(lake + "/gone", 3), "truncate" << run.log_tail());
  run.require_alive();
  auto r = run.stop();
  BOOST_TEST(r.exit_code == 0, r.err.substr(r.err.size() > 2000 ? r.err.size() - 2000 : 0));
  BOOST_TEST(read_file(run.dir.file("var/delta_types/dlq.jsonl")).empty());

  // The latest image of every key not deleted equals MariaDB's row, column by column.
  const std::string cols[] = {"id",  "ver",   "qty",  "big",  "ubig", "price", "wide",
                              "d38", "ratio", "name", "note", "data", "d",     "ts",
                              "tm",  "flag",  "doc",  "e",    "extra"};
  std::string my_sel;
  std::string dk_sel;
  for (const std::string& c : cols) {
    std::string m = "CAST(`" + c + "` AS CHAR)";
    std::string k = "CAST(\"" + c + "\" AS VARCHAR)";
    if (c == "data") {
      m = "HEX(`data`)";
      k = "hex(\"data\")";
    } else if (c == "ts") {
      m = "DATE_FORMAT(ts, '%Y-%m-%d %H:%i:%s.%f')";
      k = "strftime(ts::TIMESTAMP, '%Y-%m-%d %H:%M:%S.%f')";
    } else if (c == "doc") {
      m = "JSON_COMPACT(doc)";
    }
    my_sel += (my_sel.empty() ? "" : ", '|', ") + ("IFNULL(" + m + ", '<null>')");
    dk_sel += (dk_sel.empty() ? "" : " || '|' || ") + ("coalesce(" + k + ", '<null>')");
  }
  std::vector<std::string> mine;
  for (auto& row : mysql().query("SELECT CONCAT(" + my_sel + ") FROM lake.items ORDER BY id")) {
    mine.push_back(row[0].value_or("?"));
  }
  auto lake_rows = duckdb_query(
      "WITH t AS (SELECT * FROM " + table_sql(lake + "/items") +
      "), latest AS (SELECT * FROM t WHERE cdc_operation <> 'd' AND id NOT IN (SELECT id FROM t "
      "WHERE cdc_operation = 'd') QUALIFY row_number() OVER (PARTITION BY id ORDER BY ver DESC) "
      "= 1) SELECT " +
      dk_sel + " AS r FROM latest ORDER BY id");
  std::vector<std::string> theirs;
  for (size_t i = 0; i < duckdb_size(lake_rows); ++i)
    theirs.push_back(duckdb_text(lake_rows, i, "r"));
  BOOST_TEST(theirs == mine, boost::test_tools::per_element());

  // Exact types in the files: decimals as decimals, timestamps in micros UTC, the wide decimal
  // as text.
  auto schema = duckdb_query("SELECT name, duckdb_type AS t FROM parquet_schema('" + lake +
                             "/items/" + live_files(lake + "/items").back() + "')");
  std::map<std::string, std::string> types;
  for (size_t i = 0; i < duckdb_size(schema); ++i) {
    types[duckdb_text(schema, i, "name")] = duckdb_text(schema, i, "t");
  }
  BOOST_TEST(types["price"] == "DECIMAL(15,2)");
  BOOST_TEST(types["d38"] == "DECIMAL(38,10)");
  BOOST_TEST(types["ubig"] == "DECIMAL(20,0)");
  BOOST_TEST(types["wide"] == "VARCHAR");
  BOOST_TEST(types["ts"] == "TIMESTAMP WITH TIME ZONE");
  BOOST_TEST(types["d"] == "DATE");
  BOOST_TEST(types["extra"] == "DECIMAL(5,2)");

  // The log: protocol 1/2 and the schema in version 0, the added column in a later metaData.
  auto commits = log_commits(lake + "/items");
  BOOST_REQUIRE(!commits.empty());
  std::string v0;
  for (const Value& a : commits[0]) v0 += sluice::json::encode(a) + "\n";
  BOOST_TEST(v0.find("\"minReaderVersion\":1") != std::string::npos, v0);
  BOOST_TEST(v0.find("\"minWriterVersion\":2") != std::string::npos, v0);
  // Not partitioned: partitionColumns empty in metaData, partitionValues empty in every add.
  BOOST_TEST(v0.find("\"partitionColumns\":[]") != std::string::npos, v0);
  for (const auto& commit : commits) {
    for (const Value& a : commit) {
      if (const Value* add = member(a, "add")) {
        const Value* pv = member(*add, "partitionValues");
        BOOST_TEST((pv != nullptr && pv->type() == Type::Object && pv->as_object().empty()));
        BOOST_TEST(member(*add, "dataChange") != nullptr);
        BOOST_TEST((member(*add, "stats")->type() == Type::String));
      }
    }
  }
  BOOST_TEST(
      v0.find("\\\"name\\\":\\\"price\\\",\\\"type\\\":\\\"decimal(15,2)\\\"") != std::string::npos,
      v0);
  bool grew = false;
  for (size_t i = 1; i < commits.size(); ++i) {
    for (const Value& a : commits[i]) {
      if (const Value* m = member(a, "metaData")) {
        grew =
            grew || member(*m, "schemaString")->as_string().find("\"extra\"") != std::string::npos;
      }
    }
  }
  BOOST_TEST(grew);
  // The truncate: a row of its own with the change columns only.
  auto gone = duckdb_query(
      "SELECT cdc_operation AS op, coalesce(CAST(id AS VARCHAR), '-') AS id "
      "FROM " +
      table_sql(lake + "/gone") + " ORDER BY cdc_operation, id");
  BOOST_REQUIRE_EQUAL(duckdb_size(gone), 3u);
  BOOST_TEST(duckdb_text(gone, 2, "op") == "t");
  BOOST_TEST(duckdb_text(gone, 2, "id") == "-");
}

BOOST_AUTO_TEST_CASE(exactly_once_across_two_kill_9_while_writing) {
  my_exec(
      "DROP DATABASE IF EXISTS lake2; CREATE DATABASE lake2;"
      "CREATE TABLE lake2.ev (id INT PRIMARY KEY, v INT NOT NULL, amount DECIMAL(12,2));"
      "INSERT INTO lake2.ev VALUES (0, 1, 0.5);");
  Run run(fresh_pg_db("delta_kill"), "");
  const std::string lake = run.dir.file("lake");
  write_file(run.pipe, pipe_text("delta_kill", "lake2", 7902, lake,
                                 "file_rows = 100000  optimize_files = 3"));
  run.start();
  // The snapshot (one row) is in the table: every later change comes through the binlog.
  BOOST_REQUIRE_MESSAGE(wait_count(lake + "/ev", 1), "snapshot" << run.log_tail());
  // A writer at full speed: transactions of 50 inserts; every third also updates 20 rows and
  // deletes 5. Every change is one event; its count is the rows MariaDB says it changed.
  std::atomic<bool> stop{false};
  std::atomic<int64_t> changes{0};
  std::thread writer([&] {
    auto conn = mysql().connect();
    int next = 1;
    for (int txn = 0; !stop && txn < 400; ++txn) {
      std::string ins = "INSERT INTO lake2.ev VALUES ";
      for (int i = 0; i < 50; ++i, ++next) {
        ins += (i ? ", (" : "(") + std::to_string(next) + ", 1, " + std::to_string(next) + ".25)";
      }
      my_change(conn.get(), "BEGIN");
      int64_t n = static_cast<int64_t>(my_change(conn.get(), ins));
      if (txn % 3 == 2) {
        const int base = next - 120;
        n += static_cast<int64_t>(my_change(
            conn.get(), "UPDATE lake2.ev SET v = v + 1, amount = amount * 2 WHERE id BETWEEN " +
                            std::to_string(base) + " AND " + std::to_string(base + 19)));
        n += static_cast<int64_t>(my_change(conn.get(), "DELETE FROM lake2.ev WHERE id BETWEEN " +
                                                            std::to_string(base + 40) + " AND " +
                                                            std::to_string(base + 44)));
      }
      my_change(conn.get(), "COMMIT");
      changes += n;
      std::this_thread::sleep_for(std::chrono::milliseconds(15));
    }
  });
  for (int kill = 0; kill < 2; ++kill) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2200));
    run.require_alive();
    run.child->signal(SIGKILL);
    run.child->wait(std::chrono::seconds(10));
    run.child.reset();
    run.start();
  }
  writer.join();
  const int64_t expected = changes.load() + 1;
  BOOST_TEST_MESSAGE("changes made: " << expected);
  BOOST_REQUIRE_MESSAGE(
      wait_count(lake + "/ev", expected, 120),
      "count " << lake_count(lake + "/ev") << " of " << expected << run.log_tail());
  run.require_alive();
  auto r = run.stop();
  BOOST_TEST(r.exit_code == 0);
  const std::string from = table_sql(lake + "/ev");
  // Exactly once: every change once (an update raises v, a key is deleted once).
  auto distinct = duckdb_query(
      "SELECT count(*)::VARCHAR AS n FROM (SELECT DISTINCT id, v, cdc_operation FROM " + from +
      ")");
  BOOST_TEST(std::stoll(duckdb_text(distinct, 0, "n")) == expected);
  // The latest image per key equals MariaDB.
  auto latest = duckdb_query(
      "WITH t AS (SELECT * FROM " + from +
      "), live AS (SELECT * FROM t WHERE id NOT IN (SELECT id FROM t WHERE cdc_operation = 'd') "
      "QUALIFY row_number() OVER (PARTITION BY id ORDER BY v DESC) = 1) SELECT "
      "concat_ws(' ', count(*), sum(v), sum(amount)) AS s FROM live");
  auto mine = mysql().query("SELECT CONCAT(count(*), ' ', sum(v), ' ', sum(amount)) FROM lake2.ev");
  BOOST_TEST(duckdb_text(latest, 0, "s") == mine[0][0].value_or("?"));
  // Small files were compacted (optimize_files = 3; every file of a checkpoint is small, under
  // file_rows / 2 = 50,000 rows, whatever the load): removes and adds with dataChange false, and
  // at most a few small files left.
  size_t compacted = 0;
  for (const auto& commit : log_commits(lake + "/ev")) {
    for (const Value& a : commit) {
      const Value* rm = member(a, "remove");
      if (rm != nullptr && !member(*rm, "dataChange")->as_bool()) ++compacted;
    }
  }
  BOOST_TEST(compacted >= 3u);
  auto small = duckdb_query(
      "SELECT count(*)::VARCHAR AS n FROM (SELECT filename, count(*) AS c "
      "FROM " +
      from.substr(0, from.size() - 1) + ", filename = true) GROUP BY filename) WHERE c < 50000");
  BOOST_TEST(std::stoll(duckdb_text(small, 0, "n")) <= 5);
  // The log: versions in order, each with this stage's txn at a growing checkpoint id.
  int64_t last_txn = -1;
  for (const auto& commit : log_commits(lake + "/ev")) {
    int64_t txn = -1;
    for (const Value& a : commit) {
      if (const Value* t = member(a, "txn")) {
        BOOST_TEST(member(*t, "appId")->as_string() == "sluice/delta_kill/lake");
        txn = member(*t, "version")->as_int();
      }
    }
    BOOST_TEST(txn > last_txn);
    last_txn = txn;
  }
}

// Rows of the table's snapshot (the columns given, as text, sorted) and MariaDB's.
std::vector<std::string> lake_rows_text(const std::string& table_dir, const std::string& cols) {
  std::vector<std::string> out;
  std::string from = table_sql(table_dir);
  if (from.empty()) return out;
  auto rows = duckdb_query("SELECT concat_ws('|', " + cols + ") AS r FROM " + from + " ORDER BY r");
  for (size_t i = 0; i < duckdb_size(rows); ++i) out.push_back(duckdb_text(rows, i, "r"));
  return out;
}

std::vector<std::string> my_rows_text(const std::string& table, const std::string& cols) {
  std::vector<std::string> out;
  for (auto& r : mysql().query("SELECT CONCAT_WS('|', " + cols + ") AS r FROM " + table)) {
    out.push_back(r[0].value_or("?"));
  }
  std::sort(out.begin(), out.end());
  return out;
}

BOOST_AUTO_TEST_CASE(upsert_tables_equal_the_source_across_kill_9) {
  my_exec(
      "DROP DATABASE IF EXISTS lake3; CREATE DATABASE lake3; USE lake3;"
      "CREATE TABLE lake3.acc (id INT PRIMARY KEY, v INT NOT NULL, amount DECIMAL(12,2),"
      " note VARCHAR(20));"
      "INSERT INTO lake3.acc SELECT seq, 1, seq / 4, CONCAT('n', seq) FROM seq_1_to_3000;"
      "CREATE TABLE lake3.kl (a INT, b VARCHAR(5));"
      "INSERT INTO lake3.kl VALUES (1, 'x'), (1, 'x'), (2, 'y'), (3, NULL);");
  Run run(fresh_pg_db("delta_upsert"), "");
  const std::string lake = run.dir.file("lake");
  write_file(run.pipe,
             pipe_text("delta_upsert", "lake3", 7903, lake, "mode = upsert  file_rows = 400"));
  run.start();
  const std::string acc_cols = "id, v, amount, coalesce(note, '-')";
  auto equal_soon = [&](const std::string& table, const std::string& cols, int seconds) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      if (lake_rows_text(lake + "/" + table, cols) == my_rows_text("lake3." + table, cols)) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(400));
    }
    return false;
  };
  BOOST_REQUIRE_MESSAGE(equal_soon("acc", acc_cols, 90), "snapshot" << run.log_tail());
  // Changes everywhere in the key range (every file is touched), a key changed, a keyless
  // table's duplicates, then a kill -9 in the middle of more changes.
  my_exec(
      "USE lake3;"
      "UPDATE lake3.acc SET v = v + 1, amount = amount + 1 WHERE id % 7 = 0;"
      "DELETE FROM lake3.acc WHERE id % 11 = 0;"
      "UPDATE lake3.acc SET id = id + 100000 WHERE id BETWEEN 100 AND 110;"
      "INSERT INTO lake3.acc SELECT seq, 1, 0.01, NULL FROM seq_3001_to_3500;"
      "UPDATE lake3.kl SET b = 'z' WHERE a = 2;"
      "DELETE FROM lake3.kl WHERE a = 1 LIMIT 1;"
      "INSERT INTO lake3.kl VALUES (2, 'z');");
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  my_exec(
      "UPDATE lake3.acc SET note = 'again' WHERE id % 5 = 0;"
      "DELETE FROM lake3.acc WHERE id BETWEEN 3400 AND 3450;");
  run.child->signal(SIGKILL);
  run.child->wait(std::chrono::seconds(10));
  run.child.reset();
  my_exec("UPDATE lake3.acc SET v = v + 10 WHERE id % 3 = 0;");
  run.start();
  BOOST_REQUIRE_MESSAGE(
      equal_soon("acc", acc_cols, 90),
      "after changes and kill -9: " << lake_rows_text(lake + "/acc", acc_cols).size() << " rows"
                                    << run.log_tail());
  BOOST_REQUIRE_MESSAGE(equal_soon("kl", "a, coalesce(b, '-')", 30), "keyless" << run.log_tail());
  // Files were rewritten: the log has removes, and the snapshot holds fewer files than added.
  size_t removes = 0;
  for (const auto& commit : log_commits(lake + "/acc")) {
    for (const Value& a : commit) removes += member(a, "remove") != nullptr ? 1 : 0;
  }
  BOOST_TEST(removes > 0u);
  // TRUNCATE: the table is empty after it.
  my_exec("TRUNCATE TABLE lake3.kl; INSERT INTO lake3.kl VALUES (9, 'after');");
  BOOST_REQUIRE_MESSAGE(equal_soon("kl", "a, coalesce(b, '-')", 30), "truncate" << run.log_tail());
  run.require_alive();
  auto r = run.stop();
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(read_file(run.dir.file("var/delta_upsert/dlq.jsonl")).empty());
}

// Copies every object below s3://sluice/PREFIX into dir (keys as paths below it).
void download(const sluice::test::S3Server& server, const std::string& prefix,
              const std::string& dir) {
  sluice::operators::delta::S3Client client(server.config());
  auto keys = client.list("sluice", prefix);
  if (!keys.ok()) BOOST_FAIL(keys.err().describe());
  for (const auto& [key, size] : keys.value()) {
    auto bytes = client.get({"sluice", key});
    // Listed, then deleted before the GET: the sink's short-lived probe object of a (re)start
    // (S3TableStore::prepare), or a file a compaction removed. Not part of the table.
    if (!bytes.ok() && bytes.err().describe().find("HTTP 404") != std::string::npos) continue;
    if (!bytes.ok()) BOOST_FAIL(bytes.err().describe());
    const std::string path = dir + "/" + key;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    write_file(path, bytes.value());
  }
}

BOOST_AUTO_TEST_CASE(tables_on_s3_equal_the_source) {
  sluice::test::S3Server server;
  my_exec(
      "DROP DATABASE IF EXISTS lake4; CREATE DATABASE lake4; USE lake4;"
      "CREATE TABLE lake4.acc (id INT PRIMARY KEY, amount DECIMAL(12,2), note VARCHAR(20));"
      "INSERT INTO lake4.acc SELECT seq, seq / 4, CONCAT('n', seq) FROM seq_1_to_2000;");
  Run run(fresh_pg_db("delta_s3"), "");
  const std::string extra = "mode = upsert  file_rows = 500\n    s3 { endpoint = \"" +
                            server.endpoint() +
                            "\"  access_key = secret(\"S3_ACCESS\")  secret_key = "
                            "secret(\"S3_SECRET\") }\n   ";
  write_file(run.pipe, pipe_text("delta_s3", "lake4", 7904, "s3://sluice/lake", extra));
  // The keys reach sluice as secrets through its environment.
  setenv("S3_ACCESS", sluice::test::kS3AccessKey, 1);
  setenv("S3_SECRET", sluice::test::kS3SecretKey, 1);
  run.start();
  const std::string cols = "id, amount, coalesce(note, '-')";
  TempDir copy;
  auto equal_soon = [&](int seconds) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      std::filesystem::remove_all(copy.file("lake"));
      download(server, "lake/acc/", copy.str());
      if (lake_rows_text(copy.file("lake/acc"), cols) == my_rows_text("lake4.acc", cols)) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return false;
  };
  BOOST_REQUIRE_MESSAGE(equal_soon(90), "snapshot" << run.log_tail());
  my_exec(
      "UPDATE lake4.acc SET amount = amount * 2 WHERE id % 9 = 0;"
      "DELETE FROM lake4.acc WHERE id BETWEEN 500 AND 520;"
      "INSERT INTO lake4.acc SELECT seq, 1.5, NULL FROM lake4.seq_2001_to_2100;");
  BOOST_REQUIRE_MESSAGE(equal_soon(60), "changes" << run.log_tail());
  run.require_alive();
  auto r = run.stop();
  BOOST_TEST(r.exit_code == 0);
  // The secret key never reaches the log.
  BOOST_TEST(r.err.find(sluice::test::kS3SecretKey) == std::string::npos);
  // Nothing is left in the staging directory: every file was uploaded.
  size_t staged = 0;
  if (std::filesystem::exists(run.dir.file("var/delta_s3/delta-staging"))) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(
             run.dir.file("var/delta_s3/delta-staging"))) {
      staged += e.is_regular_file() ? 1 : 0;
    }
  }
  BOOST_TEST(staged == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
