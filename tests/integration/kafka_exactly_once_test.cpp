// `sink kafka { exactly_once = true }` across kill -9 (operators/kafka/sequence_gate.h): the
// `sluice` binary writes a stream into a 3-partition topic of the librdkafka mock cluster (in
// this process, so it outlives the killed runs), is killed twice mid-stream and then runs to
// the end. Every change must be in the topic exactly once, read back by this process and by
// kcat (the real client), and the restarts must have found replayed changes the topic already
// held (without the gate they would be duplicates). Two sources: a generated stream, and the
// binlog of the private MariaDB while a writer changes rows.
#include <signal.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "base/json.h"
#include "integration/ods_support.h"
#include "integration/run_support.h"
#include "support/kafka_mock.h"

using namespace sluice;
using namespace sluice::test;
using namespace std::chrono_literals;

namespace {

std::string eos_pipeline(const TempDir& dir, const std::string& brokers, int64_t count) {
  return "pipeline eos {\n"
         "  settings { state_dir = \"" +
         dir.file("state") +
         "\"  checkpoint_interval = 1s }\n"
         "  source generate gen {\n    count = " +
         std::to_string(count) +
         "\n    rate = 5000/s\n"
         "    fields { n = seq()  name = \"user-\" + to_string(seq()) }\n  }\n"
         "  sink kafka out from gen {\n    brokers = \"" +
         brokers +
         "\"\n    topic = \"eos_t\"\n    format = json\n    key = [\"n\"]\n"
         "    exactly_once = true\n  }\n}\n";
}

// Waits until the run has completed its first checkpoint (a run killed before it starts a new
// epoch, which is at least once by design), then `after` more.
void first_checkpoint_then(const TempDir& dir, std::chrono::milliseconds after) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!std::filesystem::exists(dir.file("state") + "/checkpoint.json") &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  std::this_thread::sleep_for(after);
}

int64_t n_of(const std::string& value) {
  auto v = json::parse(value);
  if (!v.ok()) return -1;
  const Value* n = get(*v, "after", "n");
  return n != nullptr && n->type() == Type::Int ? n->as_int() : -1;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kafka_exactly_once)

BOOST_AUTO_TEST_CASE(kill_9_twice_mid_stream_leaves_every_change_once) {
  KafkaMock kafka;
  kafka.create_topic("eos_t", 3);
  TempDir dir;
  const int64_t total = 20000;
  write_file(dir.file("p.pipe"), eos_pipeline(dir, kafka.bootstrap(), total));
  std::string logs;
  for (int round = 0; round < 2; ++round) {
    Child c({sluice_bin(), "run", dir.file("p.pipe")});
    first_checkpoint_then(dir, 1200ms);
    c.signal(SIGKILL);
    logs += c.wait(10s).err;
  }
  auto r = run_sluice({"run", dir.file("p.pipe")});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  logs += r.err;

  auto msgs = kafka.read_all("eos_t", static_cast<size_t>(total) + 1, 8000);
  std::map<int64_t, int> seen;
  size_t with_header = 0;
  for (const auto& m : msgs) {
    ++seen[n_of(m.value)];
    for (const auto& [name, v] : m.headers) with_header += name == "sluice.seq" ? 1 : 0;
  }
  BOOST_TEST(msgs.size() == static_cast<size_t>(total));
  BOOST_TEST(with_header == msgs.size());
  BOOST_TEST(seen.size() == static_cast<size_t>(total));
  int dup = 0;
  for (const auto& [n, k] : seen) dup += (n < 1 || n > total || k != 1) ? 1 : 0;
  BOOST_TEST(dup == 0);
  // The restarts found messages beyond their checkpoints and did not produce them again.
  BOOST_TEST(logs.find("are not produced again") != std::string::npos, logs);

  // The real client counts the same (read_committed, as a transactional consumer would).
  auto k = Child({"/usr/bin/env", "kcat", "-C", "-b", kafka.bootstrap(), "-t", "eos_t", "-o",
                  "beginning", "-e", "-q", "-X", "isolation.level=read_committed", "-f", "%o\n"})
               .wait(30s);
  BOOST_REQUIRE_MESSAGE(k.exit_code == 0,
                        "kcat exit " << k.exit_code << ": " << k.err << k.out.substr(0, 300));
  size_t lines = 0;
  for (char ch : k.out) lines += ch == '\n' ? 1 : 0;
  BOOST_TEST(lines == static_cast<size_t>(total));
}

// MariaDB binlog -> kafka, kill -9 twice while a writer inserts and updates rows.
BOOST_AUTO_TEST_CASE(mysql_changes_across_kill_9_are_each_in_the_topic_once) {
  using namespace sluice::test::ods;
  KafkaMock kafka;
  kafka.create_topic("ek.eosdb.t", 3);
  my_exec("DROP DATABASE IF EXISTS eosdb");
  my_exec("CREATE DATABASE eosdb");
  my_exec("CREATE TABLE eosdb.t (id INT PRIMARY KEY, v INT NOT NULL)");
  TempDir dir;
  write_file(
      dir.file("p.pipe"),
      "pipeline eosmy {\n"
      "  settings { state_dir = \"" +
          dir.file("state") +
          "\"  checkpoint_interval = 1s }\n"
          "  source mysql src {\n"
          "    host = env(\"MYSQL_HOST\")  port = to_int(env(\"MYSQL_PORT\"))\n"
          "    user = env(\"MYSQL_USER\")  password = secret(\"MYSQL_PASSWORD\")\n"
          "    server_id = 5431  database = \"eosdb\"  tables = [\"t\"]  snapshot = initial\n"
          "  }\n"
          "  sink kafka out from src {\n    brokers = \"" +
          kafka.bootstrap() +
          "\"\n    server = \"ek\"  format = json  exactly_once = true\n  }\n}\n");
  const std::vector<std::string> env = {"MYSQL_HOST=127.0.0.1",
                                        "MYSQL_PORT=" + std::to_string(mysql().port()),
                                        "MYSQL_USER=sluice", "MYSQL_PASSWORD=sluice-pw"};
  // 12,000 inserts in 48 transactions, then every row updated twice: 36,000 changes.
  std::thread writer([] {
    for (int b = 0; b < 48; ++b) {
      std::string sql = "INSERT INTO eosdb.t VALUES ";
      for (int i = 1; i <= 250; ++i) {
        sql += (i > 1 ? "," : "") + std::string("(") + std::to_string(b * 250 + i) + ",0)";
      }
      my_exec(sql);
      std::this_thread::sleep_for(40ms);
    }
    for (int round = 1; round <= 2; ++round) {
      for (int from = 1; from <= 12000; from += 500) {
        my_exec("UPDATE eosdb.t SET v = v + 1 WHERE id BETWEEN " + std::to_string(from) + " AND " +
                std::to_string(from + 499));
        std::this_thread::sleep_for(40ms);
      }
    }
  });
  std::string logs;
  for (int round = 0; round < 2; ++round) {
    Child c({sluice_bin(), "run", dir.file("p.pipe")}, env);
    first_checkpoint_then(dir, 1400ms);
    c.signal(SIGKILL);
    logs += c.wait(10s).err;
  }
  writer.join();
  auto r = run_sluice({"run", dir.file("p.pipe"), "--exit-when-idle", "3s"}, env);
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  logs += r.err;

  // A lock-free snapshot may read a row the binlog also carries (a `c` and an `r` of the same
  // row, as in DBLog): what must not happen is the same change twice. A change is its
  // operation, row and binlog position.
  auto msgs = kafka.read_all("ek.eosdb.t", 100000, 8000);
  std::map<std::string, int> seen;
  std::set<std::string> rows;
  for (const auto& m : msgs) {
    auto v = json::parse(m.value);
    BOOST_REQUIRE(v.ok());
    const Value* op = get(*v, "op");
    const Value* id = get(*v, "after", "id");
    const Value* val = get(*v, "after", "v");
    const Value* pos = get(*v, "source", "position");
    BOOST_REQUIRE(op && id && val && pos);
    ++seen[op->to_display() + ":" + id->to_display() + ":" + val->to_display() + "@" +
           json::encode(*pos)];
    rows.insert(id->to_display() + ":" + val->to_display());
  }
  BOOST_TEST(msgs.size() >= 36000u);
  BOOST_TEST(rows.size() == 36000u);  // every row in each of its 3 versions
  int dup = 0;
  for (const auto& [k, n] : seen) dup += n != 1 ? 1 : 0;
  BOOST_TEST(dup == 0);
  BOOST_TEST(seen.size() == msgs.size());
  BOOST_TEST(logs.find("are not produced again") != std::string::npos, logs);
}

BOOST_AUTO_TEST_SUITE_END()
