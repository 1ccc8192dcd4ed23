// `sluice run` with a MySQL source, restarted: (1) after a real kill -9 in the middle of the
// snapshot it resumes after the last checkpointed key (not from zero) and the file sink holds
// every row exactly once; (2) after the file was edited to add a table, only that table is
// snapshotted while the others resume streaming, with no gap and no duplicate.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <csignal>
#include <set>
#include <string>
#include <thread>

#include "run_support.h"
#include "support/mariadb_server.h"
#include "support/process.h"

using namespace sluice;
using namespace sluice::test;

namespace {

size_t count_lines(const std::string& path) {
  std::string s = read_file(path);
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

std::string pipe_text(const TempDir& d, int port) {
  return "pipeline snapkill {\n"
         "  settings { state_dir = \"" +
         d.file("state") +
         "\"  checkpoint_interval = 200ms }\n"
         "  source mysql src {\n"
         "    host = \"127.0.0.1\"  port = " +
         std::to_string(port) +
         "\n"
         "    user = \"sluice\"  password = secret(\"MYSQL_PASSWORD\")\n"
         "    server_id = 7781  database = \"snapkill\"  tables = [\"big\"]  snapshot = initial\n"
         "    chunk_rows = 5000\n"
         "  }\n"
         // Paced so the snapshot takes ~10 s on any machine: the kill lands mid-snapshot
         // (credit flow holds the source back to the sink's rate).
         "  sink file out from src { rate_limit = 40000/s  path = \"" +
         d.file("out.jsonl") +
         "\" }\n"
         "}\n";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql_snapshot_kill)

BOOST_AUTO_TEST_CASE(kill_9_mid_snapshot_resumes_at_the_last_checkpoint_exactly_once) {
  MariaDbServer& my = MariaDbServer::shared();
  const int64_t n = 400000;
  my.exec(
      "DROP DATABASE IF EXISTS snapkill; CREATE DATABASE snapkill; "
      "CREATE TABLE snapkill.big (id INT PRIMARY KEY, amount DECIMAL(15,2), note VARCHAR(40)); "
      "USE snapkill; INSERT INTO snapkill.big SELECT seq, seq / 100, CONCAT('row ', seq) FROM "
      "seq_1_to_" +
      std::to_string(n));
  TempDir d;
  std::string pipe = d.file("p.pipe");
  write_file(pipe, pipe_text(d, my.port()));
  std::vector<std::string> env = {"MYSQL_PASSWORD=sluice-pw"};
  std::string out = d.file("out.jsonl");
  size_t at_kill = 0;
  {
    Child first({sluice_bin(), "run", pipe}, env, d.str());
    // Wait until a good part of the snapshot was written and checkpointed, then kill -9.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline && count_lines(out) < 60000) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // > 2 checkpoint intervals
    first.signal(SIGKILL);
    auto r = first.wait(std::chrono::seconds(10));
    BOOST_REQUIRE_EQUAL(r.exit_code, -SIGKILL);
    at_kill = count_lines(out);
    BOOST_TEST_MESSAGE("killed with " << at_kill << " lines written");
    BOOST_REQUIRE_MESSAGE(
        at_kill >= 60000 && at_kill < static_cast<size_t>(n),
        "not killed mid-snapshot: " << at_kill << " lines; log: " << r.err.substr(0, 2000));
  }
  Child second({sluice_bin(), "run", pipe}, env, d.str());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
  while (std::chrono::steady_clock::now() < deadline && count_lines(out) < static_cast<size_t>(n)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // anything extra would show
  second.signal(SIGTERM);
  auto r = second.wait(std::chrono::seconds(60));
  BOOST_CHECK_EQUAL(r.exit_code, 0);
  // Every row exactly once, each a snapshot read.
  std::set<int64_t> ids;
  size_t lines = 0, dups = 0;
  for (const auto& v : read_jsonl(out)) {
    ++lines;
    const Value* id = get(v, "after", "id");
    BOOST_REQUIRE(id && id->type() == Type::Int);
    if (!ids.insert(id->as_int()).second) ++dups;
    const Value* op = get(v, "op");
    BOOST_REQUIRE(op && op->as_string() == "r");
  }
  BOOST_CHECK_EQUAL(dups, 0u);
  BOOST_CHECK_EQUAL(lines, static_cast<size_t>(n));
  BOOST_CHECK_EQUAL(ids.size(), static_cast<size_t>(n));
  BOOST_CHECK(!ids.empty() && *ids.begin() == 1 && *ids.rbegin() == n);
  // The second run resumed after a checkpointed key, not from zero: its log says where, and
  // it read fewer rows than the table holds.
  size_t at = r.err.find("resuming the snapshot of snapkill.big after key (");
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, r.err.substr(0, 3000));
  size_t k0 = at + std::string("resuming the snapshot of snapkill.big after key (").size();
  int64_t resumed_key = std::stoll(r.err.substr(k0, r.err.find(')', k0) - k0));
  BOOST_TEST_MESSAGE("resumed after key " << resumed_key << ", killed at " << at_kill << " lines");
  BOOST_CHECK(resumed_key > 0);
  BOOST_CHECK(resumed_key <= static_cast<int64_t>(at_kill));
  size_t s = r.err.rfind(": snapshot ");
  BOOST_REQUIRE(s != std::string::npos);
  int64_t read_second = std::stoll(r.err.substr(s + std::string(": snapshot ").size()));
  BOOST_CHECK_EQUAL(read_second, n - resumed_key);
}

namespace {

std::string add_pipe(const TempDir& d, int port, const std::string& tables,
                     const std::string& method) {
  return "pipeline addtab {\n"
         "  settings { state_dir = \"" +
         d.file("state") +
         "\"  checkpoint_interval = 200ms }\n"
         "  source mysql src {\n"
         "    host = \"127.0.0.1\"  port = " +
         std::to_string(port) +
         "\n"
         "    user = \"sluice\"  password = secret(\"MYSQL_PASSWORD\")\n"
         "    server_id = 7782  database = \"addtab\"  tables = " +
         tables + "\n    snapshot { mode = initial  method = " + method +
         " }\n"
         "  }\n"
         "  sink file out from src { path = \"" +
         d.file("out.jsonl") +
         "\" }\n"
         "}\n";
}

// "op table id" per line of the file sink.
std::vector<std::string> ops_of(const std::string& path) {
  std::vector<std::string> out;
  for (const auto& v : read_jsonl(path)) {
    const Value* op = get(v, "op");
    const Value* table = get(v, "source", "table");
    const Value* id = get(v, op && op->as_string() == "d" ? "before" : "after", "id");
    out.push_back((op ? op->as_string() : "?") + " " + (table ? table->as_string() : "?") +
                  (id ? id->to_display() : "?"));
  }
  return out;
}

void wait_lines(const std::string& path, size_t n) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline && count_lines(path) < n) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// Run 1 captures a; sluice stops; changes to a and b; run 2 captures a and b: b is read alone
// (a is not read again) and a streams on from the checkpoint. `want` is the whole output.
void added_table_after_a_restart(const std::string& method, const std::string& added_log,
                                 const std::vector<std::string>& want) {
  MariaDbServer& my = MariaDbServer::shared();
  my.exec(
      "DROP DATABASE IF EXISTS addtab; CREATE DATABASE addtab; "
      "CREATE TABLE addtab.a (id INT PRIMARY KEY, v INT); "
      "CREATE TABLE addtab.b (id INT PRIMARY KEY, v INT); "
      "INSERT INTO addtab.a VALUES (1, 1), (2, 2); INSERT INTO addtab.b VALUES (1, 1)");
  TempDir d;
  std::string pipe = d.file("p.pipe");
  std::string out = d.file("out.jsonl");
  std::vector<std::string> env = {"MYSQL_PASSWORD=sluice-pw"};
  write_file(pipe, add_pipe(d, my.port(), "[\"a\"]", method));
  {
    Child first({sluice_bin(), "run", pipe}, env, d.str());
    wait_lines(out, 2);
    my.exec("INSERT INTO addtab.a VALUES (3, 3); INSERT INTO addtab.b VALUES (2, 2)");
    wait_lines(out, 3);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    first.signal(SIGTERM);
    auto r = first.wait(std::chrono::seconds(60));
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  }
  // While sluice is down: changes to both; then `tables` gains b.
  my.exec(
      "INSERT INTO addtab.a VALUES (4, 4); UPDATE addtab.b SET v = 10 WHERE id = 1; "
      "INSERT INTO addtab.b VALUES (3, 3); DELETE FROM addtab.b WHERE id = 2");
  write_file(pipe, add_pipe(d, my.port(), "[\"a\", \"b\"]", method));
  Child second({sluice_bin(), "run", pipe}, env, d.str());
  wait_lines(out, want.size() - 2);
  my.exec("INSERT INTO addtab.b VALUES (4, 4); UPDATE addtab.a SET v = 5 WHERE id = 1");
  wait_lines(out, want.size());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  second.signal(SIGTERM);
  auto r = second.wait(std::chrono::seconds(60));
  BOOST_CHECK_EQUAL(r.exit_code, 0);
  BOOST_CHECK_MESSAGE(r.err.find("table(s) added since the checkpoint: addtab.b; " + added_log) !=
                          std::string::npos,
                      r.err.substr(0, 3000));
  auto got = ops_of(out);
  BOOST_CHECK_EQUAL_COLLECTIONS(got.begin(), got.end(), want.begin(), want.end());
  auto lines = read_jsonl(out);
  BOOST_REQUIRE_EQUAL(lines.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {  // b1 is read with its new value
    if (want[i] == "r b1") BOOST_CHECK_EQUAL(get(lines[i], "after", "v")->as_int(), 10);
  }
}

}  // namespace

// consistent: b's snapshot in a view of its own, its earlier changes dropped.
BOOST_AUTO_TEST_CASE(table_added_to_the_file_is_snapshotted_alone_after_a_restart) {
  // Run 1: a's snapshot and a3. Run 2: b's snapshot alone (b1 with its new value, b3; b2
  // was deleted), a4 streamed from the checkpoint, then live changes. No "r a", no replay of
  // b's changes made before its snapshot.
  added_table_after_a_restart("consistent", "snapshotting only them",
                              {"r a1", "r a2", "c a3", "r b1", "r b3", "c a4", "c b4", "u a1"});
}

// lock_free: the stream resumes at the checkpoint for a and b (b's changes while down come
// out), b is read meanwhile and its rows follow those changes; no "r a".
BOOST_AUTO_TEST_CASE(table_added_to_the_file_is_read_while_streaming_after_a_restart) {
  added_table_after_a_restart(
      "lock_free", "reading them while streaming",
      {"r a1", "r a2", "c a3", "c a4", "u b1", "c b3", "d b2", "r b1", "r b3", "c b4", "u a1"});
}

BOOST_AUTO_TEST_SUITE_END()
