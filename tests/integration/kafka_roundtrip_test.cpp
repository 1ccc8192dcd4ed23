// End to end through Kafka: MySQL (private MariaDB) -> sink kafka (Debezium JSON with schema)
// -> librdkafka mock cluster -> source kafka -> sink postgres (private PostgreSQL), two
// pipelines of one file run by the `sluice` binary. Covers DECIMAL, DATE, DATETIME(6),
// TIMESTAMP(6), ENUM, SET, JSON, BLOB and BIGINT UNSIGNED (up to its maximum), inserts,
// updates and deletes. After the snapshot, after streaming changes, after a restart (changes
// made while stopped) and across a broker outage (mock cluster error injection), the
// PostgreSQL table must equal the MariaDB table exactly, column by column.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>

#include <boost/test/unit_test.hpp>
#include <string>
#include <thread>
#include <vector>

#include "base/json.h"
#include "integration/ods_support.h"
#include "support/kafka_mock.h"

using namespace sluice;
using namespace sluice::test;
using namespace sluice::test::ods;

namespace {

struct Col {
  std::string name, my_expr, pg_expr;
  bool json = false;
};

const std::vector<Col>& columns() {
  static const std::vector<Col> c = {
      {"id", "`id`", "id::text"},
      {"amount", "`amount`", "amount::text"},
      {"d", "`d`", "d::text"},
      {"dt", "`dt`", "to_char(dt, 'YYYY-MM-DD HH24:MI:SS.US')"},
      {"ts", "`ts`", "to_char(ts, 'YYYY-MM-DD HH24:MI:SS.US')"},
      {"e", "`e`", "e::text"},
      {"s", "`s`", "array_to_string(s, ',')"},
      {"j", "`j`", "j::text", true},
      {"b", "HEX(`b`)", "upper(encode(b, 'hex'))"},
      {"big", "`big`", "big::text"},
      {"note", "`note`", "note"},
  };
  return c;
}

// JSON text -> its canonical Sluice encoding (so MariaDB's text and jsonb's text compare).
std::string canon_json(const std::string& text) {
  auto v = json::parse(text);
  return v.ok() ? json::encode(*v) : "<bad json " + text + ">";
}

std::vector<std::string> my_table() {
  std::string sel;
  for (const auto& c : columns()) sel += (sel.empty() ? "" : ", ") + c.my_expr;
  auto conn = mysql().connect();
  MariaDbServer::exec(conn.get(), "SET time_zone = '+00:00'");
  auto rows = MariaDbServer::query(conn.get(), "SELECT " + sel + " FROM kt.types_t ORDER BY id");
  std::vector<std::string> out;
  for (auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      std::string v = r[i] ? (columns()[i].json ? canon_json(*r[i]) : *r[i]) : "<NULL>";
      line += (i ? "|" : "") + v;
    }
    out.push_back(std::move(line));
  }
  return out;
}

std::vector<std::string> pg_table(const std::string& pgdb) {
  // One column per line group: psql -At separates fields with '|'; JSON and text values here
  // hold no '|' or line breaks.
  std::string sel;
  for (const auto& c : columns()) {
    sel += (sel.empty() ? "" : ", ") + ("coalesce(" + c.pg_expr + ", '<NULL>')");
  }
  std::string text = pg().psql(
      "SET TimeZone = 'UTC'; SELECT " + sel + " FROM ods.types_t ORDER BY id::numeric;", pgdb);
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l == "SET" || l.empty()) continue;
    if (l.find("ERROR") != std::string::npos) return {"<pg: " + l + ">"};
    std::vector<std::string> f;
    size_t start = 0;
    for (size_t i = 0; i < columns().size(); ++i) {
      size_t bar = i + 1 < columns().size() ? l.find('|', start) : std::string::npos;
      f.push_back(l.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
      start = bar == std::string::npos ? l.size() : bar + 1;
    }
    std::string line;
    for (size_t i = 0; i < f.size(); ++i) {
      std::string v = columns()[i].json && f[i] != "<NULL>" ? canon_json(f[i]) : f[i];
      line += (i ? "|" : "") + v;
    }
    out.push_back(std::move(line));
  }
  return out;
}

std::string diff(const std::string& pgdb) {
  auto a = my_table();
  auto b = pg_table(pgdb);
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    if (a[i] != b[i])
      return "row " + std::to_string(i) + ": mysql [" + a[i] + "] pg [" + b[i] + "]";
  }
  if (a.size() != b.size()) {
    return "mysql " + std::to_string(a.size()) + " rows, pg " + std::to_string(b.size());
  }
  return "";
}

std::string wait_same(const std::string& pgdb, int seconds = 90) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  std::string d;
  while (std::chrono::steady_clock::now() < deadline) {
    d = diff(pgdb);
    if (d.empty()) return d;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  return d;
}

std::string row_sql(int64_t id) {
  const std::string n = std::to_string(id);
  return "(" + n + ", " + std::to_string(id * 7919 % 100000) + "." +
         std::to_string(1000 + id % 9000) + ", '2024-02-" + std::to_string(10 + id % 19) +
         "', '2024-02-29 13:45:59." + std::to_string(100000 + id) + "', '2024-03-01 00:00:0" +
         std::to_string(id % 10) + ".000001', '" +
         (id % 3 == 0   ? "a"
          : id % 3 == 1 ? "b"
                        : "c") +
         "', '" + (id % 2 ? "x,z" : "y") + "', '{\"a\":" + n +
         ",\"bb\":[1,2.5,\"x\"],\"ccc\":{\"d\":null}}', UNHEX('00FF" + (id % 2 ? "7F80" : "") +
         "'), " +
         (id % 5 == 0 ? "18446744073709551615" : std::to_string(9223372036854775807ULL + id)) +
         ", " + (id % 4 == 0 ? "NULL" : "'note " + n + "'") + ")";
}

void insert_rows(int64_t from, int64_t to) {
  std::string sql = "INSERT INTO kt.types_t VALUES ";
  for (int64_t i = from; i <= to; ++i) sql += (i == from ? "" : ", ") + row_sql(i);
  my_exec(sql);
}

std::string pipe_text(const std::string& brokers, const std::string& dir) {
  return "pipeline my_to_kafka {\n"
         "  settings { state_dir = \"" +
         dir +
         "/p1\"  checkpoint_interval = 500ms }\n"
         "  source mysql src {\n"
         "    host = env(\"MYSQL_HOST\")  port = to_int(env(\"MYSQL_PORT\"))\n"
         "    user = env(\"MYSQL_USER\")  password = secret(\"MYSQL_PASSWORD\")\n"
         "    server_id = 5417  database = \"kt\"  tables = [\"types_t\"]  snapshot = initial\n"
         "  }\n"
         "  sink kafka out from src { brokers = \"" +
         brokers +
         "\"  format = debezium  server = \"kt\"  bigint_unsigned = precise }\n"
         "}\n"
         "pipeline kafka_to_pg {\n"
         "  settings { state_dir = \"" +
         dir +
         "/p2\"  checkpoint_interval = 500ms }\n"
         "  source kafka kin { brokers = \"" +
         brokers +
         "\"  topics = [\"kt.kt.types_t\"]  group = \"kt-pg\"  format = debezium  parallelism = 3\n"
         "    properties = [\"session.timeout.ms=6000\", \"heartbeat.interval.ms=500\"] }\n"
         "  sink postgres ods from kin {\n"
         "    url = env(\"ODS_URL\")  table = \"ods.\" + @table  mode = upsert  create_tables = "
         "true\n"
         "    retry { attempts = 10  backoff = exponential(100ms, 2s) }\n"
         "  }\n"
         "}\n";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kafka_roundtrip)

// The Kafka leg runs three consumers (`parallelism = 3`) over the topic's three partitions.
BOOST_AUTO_TEST_CASE(mysql_to_kafka_to_postgres_equals_mysql) {
  KafkaMock mock;
  mock.create_topic("kt.kt.types_t", 3);
  my_exec("DROP DATABASE IF EXISTS kt");
  my_exec("CREATE DATABASE kt");
  my_exec(
      "CREATE TABLE kt.types_t (id BIGINT UNSIGNED PRIMARY KEY, amount DECIMAL(20,4) NOT NULL, "
      "d DATE, dt DATETIME(6), ts TIMESTAMP(6) NULL DEFAULT NULL, e ENUM('a','b','c'), "
      "s SET('x','y','z'), j JSON, b BLOB, big BIGINT UNSIGNED, note VARCHAR(50))");
  insert_rows(1, 40);  // the snapshot

  const std::string pgdb = fresh_pg_db("kafka_rt");
  TempDir dir;
  const std::string pipe = dir.file("rt.pipe");
  write_file(pipe, pipe_text(mock.bootstrap(), dir.str()));
  auto start = [&] {
    return std::make_unique<Child>(
        std::vector<std::string>{
            "/bin/sh", "-c",
            "exec " + sluice_bin() + " run " + pipe + " 2>>" + dir.file("sluice.log")},
        pipeline_env(pgdb), dir.str());
  };
  auto log_tail = [&] {
    std::string e = read_file(dir.file("sluice.log"));
    return "\nsluice log:\n" + e.substr(e.size() > 3000 ? e.size() - 3000 : 0);
  };
  auto child = start();
  std::string d = wait_same(pgdb, 120);
  BOOST_REQUIRE_MESSAGE(d.empty(), "after snapshot: " << d << log_tail());
  BOOST_CHECK_EQUAL(my_table().size(), 40u);
  BOOST_TEST_MESSAGE("row 5 in both: " << pg_table(pgdb)[4]);

  // Streaming: inserts, updates (every type), deletes.
  insert_rows(41, 60);
  my_exec(
      "UPDATE kt.types_t SET amount = amount + 0.0001, e = 'c', s = 'x,y,z', "
      "j = '{\"a\":0,\"bb\":[],\"ccc\":{\"d\":\"\\\\u00e9\"}}', b = UNHEX('DEADBEEF'), "
      "big = 18446744073709551614, dt = '1999-12-31 23:59:59.999999', "
      "ts = '2038-01-19 03:14:07.499999', d = '2024-02-29', note = NULL WHERE id % 7 = 0");
  my_exec("DELETE FROM kt.types_t WHERE id % 9 = 0");
  d = wait_same(pgdb);
  BOOST_REQUIRE_MESSAGE(d.empty(), "after streaming: " << d << log_tail());

  // Restart: changes made while sluice is down arrive after it resumes from its checkpoints
  // (binlog position and committed Kafka offsets); nothing lost.
  child->signal(SIGTERM);
  auto r = child->wait(std::chrono::seconds(60));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, "exit " << r.exit_code << log_tail());
  BOOST_CHECK(mock.committed("kt-pg", "kt.kt.types_t", 0) > 0);
  insert_rows(61, 80);
  my_exec("UPDATE kt.types_t SET note = CONCAT('restarted ', id) WHERE id % 5 = 1");
  my_exec("DELETE FROM kt.types_t WHERE id IN (2, 61, 79)");
  child = start();
  d = wait_same(pgdb);
  BOOST_REQUIRE_MESSAGE(d.empty(), "after restart: " << d << log_tail());

  // The broker goes down while changes flow; both the producer and the consumer retry.
  rd_kafka_mock_broker_set_down(mock.handle(), 1);
  insert_rows(81, 120);
  my_exec("UPDATE kt.types_t SET amount = -amount WHERE id > 100");
  std::this_thread::sleep_for(std::chrono::seconds(3));
  BOOST_CHECK_MESSAGE(!diff(pgdb).empty(), "the outage really held the changes back");
  rd_kafka_mock_broker_set_up(mock.handle(), 1);
  d = wait_same(pgdb);
  BOOST_REQUIRE_MESSAGE(d.empty(), "after broker outage: " << d << log_tail());
  BOOST_CHECK_EQUAL(my_table().size(), 120u - 6u - 3u);

  // TRUNCATE travels the chain: the binlog's TRUNCATE, Debezium's op "t" in the topic, the
  // kafka source's truncate event, the postgres sink's TRUNCATE. (A truncate has no key, so
  // it may land on any partition: the rows after it are written once it has arrived.)
  my_exec("TRUNCATE TABLE kt.types_t");
  d = wait_same(pgdb);
  BOOST_REQUIRE_MESSAGE(d.empty(), "after TRUNCATE: " << d << log_tail());
  BOOST_CHECK(pg_table(pgdb).empty());
  insert_rows(121, 130);
  d = wait_same(pgdb);
  BOOST_REQUIRE_MESSAGE(d.empty(), "after TRUNCATE and inserts: " << d << log_tail());
  BOOST_CHECK_EQUAL(my_table().size(), 10u);

  child->signal(SIGTERM);
  r = child->wait(std::chrono::seconds(60));
  BOOST_CHECK_EQUAL(r.exit_code, 0);
}

BOOST_AUTO_TEST_SUITE_END()
