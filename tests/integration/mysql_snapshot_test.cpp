// The lock-free snapshot end to end (docs/mysql.md, "Snapshot"): a big table written at full
// speed while `sluice run` reads it into PostgreSQL, killed -9 at random points, ends equal to
// the source row for row; a change to another table arrives long before the snapshot ends;
// tables are read again on demand (signal row, management API, `sluice snapshot`) while
// changes keep flowing. SLUICE_KILL_TRIALS sets the kills (2 here; bench/snapshot_kill.sh
// runs more).
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cctype>
#include <cstdlib>
#include <random>

#include "support/api_wait.h"
#include "support/free_port.h"
#include "tests/integration/ods_support.h"

using namespace sluice;
using namespace sluice::test;
using namespace sluice::test::ods;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr int64_t kBigRows = 300000;  // the same test, shorter under ASan
#else
constexpr int64_t kBigRows = 1500000;
#endif

// SLUICE_WATERMARK=signal_table (bench/snapshot_kill.sh): chunks placed by watermark rows in
// lfsnap.sluice_signal, MySQL 8's method, instead of the views' positions.
std::string watermark_option() {
  const char* w = std::getenv("SLUICE_WATERMARK");
  if (w == nullptr || std::string(w) != "signal_table") return "";
  my_exec(
      "CREATE TABLE IF NOT EXISTS lfsnap.sluice_signal (id VARCHAR(42) PRIMARY KEY, type "
      "VARCHAR(32), data VARCHAR(2048))");
  return "  watermark = signal_table } signal_table = \"lfsnap.sluice_signal\"\n";
}

std::string lock_free_pipe(const std::string& extra_source, const std::string& sink) {
  std::string snapshot = "    snapshot { mode = initial  method = lock_free  parallelism = 2";
  const std::string w = watermark_option();
  snapshot += w.empty() ? " }\n" : w;
  return R"(pipeline lfsnap {
  settings { state_dir = "state"  checkpoint_interval = 500ms }
  source mysql src {
    host = env("MYSQL_HOST")  port = to_int(env("MYSQL_PORT"))  user = env("MYSQL_USER")
    password = secret("MYSQL_PASSWORD")  server_id = 7611  database = "lfsnap"
)" + snapshot +
         R"(    chunk_rows = 10000
)" + extra_source +
         R"(
  }
)" + sink +
         "\n}\n";
}

const char* kPgSink = R"(  sink postgres ods from src {
    url = env("ODS_URL")  table = "ods." + @table  mode = upsert  create_tables = true
    batch { rows = 5000 }
  })";

// Full-speed writes all over the key range: updates, deletes, inserts (new ids and re-used
// ones), a key change; one connection, autocommit, until `stop`.
void write_all_over(std::atomic<bool>& stop, std::atomic<int64_t>& writes, int64_t rows,
                    unsigned seed) {
  auto c = mysql().connect();
  std::mt19937_64 rng(seed);
  int64_t next = rows + 1;
  while (!stop) {
    const int64_t k = static_cast<int64_t>(rng() % static_cast<uint64_t>(rows)) + 1;
    const std::string id = std::to_string(k);
    switch (rng() % 8) {
      case 0:
      case 1:
      case 2:
        my_change(c.get(), "UPDATE lfsnap.big SET amount = amount + 0.0001, note = 'u" +
                               std::to_string(writes) + "' WHERE id = " + id);
        break;
      case 3:
        my_change(c.get(), "DELETE FROM lfsnap.big WHERE id = " + id);
        break;
      case 4:
        my_change(c.get(), "INSERT INTO lfsnap.big VALUES (" + std::to_string(next++) +
                               ", 'new', 1.5, NOW(6), 'i')");
        break;
      case 5:
        my_change(c.get(), "INSERT INTO lfsnap.big VALUES (" + id +
                               ", 'again', 2.5, NOW(6), 'r') ON DUPLICATE KEY UPDATE k = 'dup'");
        break;
      case 6:  // a key moves far ahead (out of a range read, into one not read yet, or back)
        my_change(c.get(), "UPDATE IGNORE lfsnap.big SET id = id + " + std::to_string(rows * 3) +
                               " WHERE id = " + id);
        break;
      default:
        my_change(c.get(), "UPDATE lfsnap.big SET at = NOW(6) WHERE id BETWEEN " + id + " AND " +
                               std::to_string(k + 4));
    }
    ++writes;
  }
}

int kill_trials() {
  const char* v = std::getenv("SLUICE_KILL_TRIALS");
  return v ? std::atoi(v) : 2;
}

// -1 while the table does not exist yet.
int64_t pg_count(const std::string& pgdb, const std::string& table) {
  std::string v = pg_value(pgdb, "SELECT count(*) FROM ods." + table);
  return !v.empty() && std::isdigit(static_cast<unsigned char>(v[0])) ? std::stoll(v) : -1;
}

// Stops and joins a writer thread however the test ends.
struct Writer {
  std::atomic<bool> stop{false};
  std::thread thread;
  void finish() {
    stop = true;
    if (thread.joinable()) thread.join();
  }
  ~Writer() { finish(); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(mysql_lock_free_snapshot)

BOOST_AUTO_TEST_CASE(big_table_written_at_full_speed_and_killed_equals_the_source) {
  my_exec(
      "DROP DATABASE IF EXISTS lfsnap; CREATE DATABASE lfsnap; "
      "CREATE TABLE lfsnap.big (id BIGINT PRIMARY KEY, k VARCHAR(20), amount DECIMAL(20,4), "
      "at DATETIME(6), note VARCHAR(40)); CREATE TABLE lfsnap.other (id INT PRIMARY KEY); "
      "INSERT INTO lfsnap.big SELECT seq, CONCAT('k', seq % 1000), seq / 100, "
      "'2024-01-01 00:00:00' + INTERVAL seq SECOND, CONCAT('row ', seq) FROM lfsnap.seq_1_to_" +
      std::to_string(kBigRows));
  const std::string pgdb = fresh_pg_db("lfsnap");
  Run run(pgdb, lock_free_pipe("", kPgSink));
  const std::string api = "127.0.0.1:" + std::to_string(free_port());
  const std::string metrics_addr = "127.0.0.1:" + std::to_string(free_port());
  run.args = " --api " + api + " --metrics " + metrics_addr;
  std::atomic<int64_t> writes{0};
  Writer writer;
  run.start();
  writer.thread = std::thread([&] {
    try {
      write_all_over(writer.stop, writes, kBigRows, 42);
    } catch (const std::exception& e) {
      BOOST_TEST_MESSAGE("writer stopped: " << e.what());
    }
  });
  // A change to another table while the big one is read: in the target long before its end.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (pg_count(pgdb, "big") < 20000 && std::chrono::steady_clock::now() < deadline) {
    run.require_alive();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  my_exec("INSERT INTO lfsnap.other VALUES (1)");
  while (pg_count(pgdb, "other") < 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const int64_t big_then = pg_count(pgdb, "big");
  BOOST_TEST_MESSAGE("other's row arrived with " << big_then << " of " << kBigRows
                                                 << " big rows in the target");
  BOOST_REQUIRE_EQUAL(pg_count(pgdb, "other"), 1);
  BOOST_CHECK_LT(big_then, kBigRows / 2);
  // Per-table progress while it reads: status (the API) and /metrics.
  auto st = runtime::http_request(api, "GET", "/pipelines/lfsnap", 5000);
  BOOST_REQUIRE(st.ok());
  BOOST_CHECK_MESSAGE(
      st->body.find("\"tables\":[{\"table\":\"lfsnap.big\",\"done\":") != std::string::npos,
      st->body);
  auto metrics = runtime::http_request(metrics_addr, "GET", "/metrics", 5000);
  BOOST_REQUIRE(metrics.ok());
  BOOST_CHECK(metrics->body.find("sluice_source_table_progress_total_records{pipeline=\"lfsnap\","
                                 "stage=\"src\",table=\"lfsnap.big\"}") != std::string::npos);
  // kill -9 at random points of the snapshot, restarting each time.
  std::mt19937 rng(7);
  for (int i = 0; i < kill_trials(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500 + rng() % 2500));
    run.require_alive();
    auto r = run.stop(SIGKILL);
    BOOST_REQUIRE_EQUAL(r.exit_code, -SIGKILL);
    BOOST_TEST_MESSAGE("kill -9 #" << i + 1 << " with " << pg_count(pgdb, "big")
                                   << " big rows in the target, " << writes << " writes");
    run.start();
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));
  writer.finish();
  BOOST_TEST_MESSAGE(writes << " writes in all");
  BOOST_CHECK_GT(writes.load(), 1000);
  const std::string d =
      wait_same_digest("lfsnap", pgdb, {"big", "other"}, std::chrono::seconds(300));
  BOOST_CHECK_MESSAGE(d.empty(), d << run.log_tail());
  auto r = run.stop();
  BOOST_CHECK_EQUAL(r.exit_code, 0);
  BOOST_CHECK(r.err.find("resuming the snapshot of lfsnap.big after key") != std::string::npos ||
              kill_trials() == 0);
  if (std::getenv("SLUICE_WATERMARK") != nullptr) {  // the method the bench asked for ran
    BOOST_CHECK(r.err.find("chunks placed by watermark rows in lfsnap.sluice_signal") !=
                std::string::npos);
  }
}

// The same table read again on demand while a writer keeps changing it: by a signal row, by
// `sluice snapshot` and by the API; each read delivers the whole table as "r" events between
// changes that keep flowing; stop-snapshot answers.
BOOST_AUTO_TEST_CASE(tables_are_read_again_on_demand_while_changes_flow) {
  my_exec(
      "DROP DATABASE IF EXISTS lfsnap; CREATE DATABASE lfsnap; "
      "CREATE TABLE lfsnap.t (id INT PRIMARY KEY, v INT); "
      "CREATE TABLE lfsnap.live (id INT PRIMARY KEY); "
      "CREATE TABLE lfsnap.sluice_signal (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32), "
      "data VARCHAR(2048)); INSERT INTO lfsnap.t SELECT seq, seq FROM lfsnap.seq_1_to_30000");
  const int port = free_port();
  const std::string api = "127.0.0.1:" + std::to_string(port);
  Run run("postgres", lock_free_pipe("    signal_table = \"lfsnap.sluice_signal\"",
                                     "  sink file out from src { path = \"out.jsonl\" }"));
  run.child = std::make_unique<Child>(
      std::vector<std::string>{"/bin/sh", "-c",
                               "exec " + sluice_bin() + " run " + run.pipe + " --api " + api +
                                   " 2>>" + run.dir.file("sluice.log")},
      pipeline_env("postgres"), run.dir.str());
  BOOST_REQUIRE_MESSAGE(wait_api(api), run.log_tail());
  const std::string out = run.dir.file("out.jsonl");
  // Reads of t ("r") and changes of live ("c") in output order.
  auto ops = [&] {
    std::string s;
    for (const auto& line : read_lines(out)) {
      if (line.find("\"table\":\"t\"") != std::string::npos &&
          line.find("\"op\":\"r\"") != std::string::npos)
        s += 'r';
      if (line.find("\"table\":\"live\"") != std::string::npos) s += 'c';
    }
    return s;
  };
  auto wait_reads = [&](size_t n) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string s = ops();
      if (static_cast<size_t>(std::count(s.begin(), s.end(), 'r')) >= n) return s;
      run.require_alive();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return ops();
  };
  wait_reads(30000);
  Writer writer;
  writer.thread = std::thread([&] {
    auto c = mysql().connect();
    for (int i = 1; !writer.stop; ++i) {
      my_change(c.get(), "INSERT INTO lfsnap.live VALUES (" + std::to_string(i) + ")");
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  // 1: a signal row.
  my_exec(
      "INSERT INTO lfsnap.sluice_signal VALUES ('ad-hoc-1', 'execute-snapshot', "
      "'{\"data-collections\": [\"lfsnap.t\"], \"type\": \"incremental\"}')");
  std::string s = wait_reads(60000);
  // 2: the command line.
  auto cli = run_sluice({"snapshot", "lfsnap", "lfsnap.t", "--endpoint", api});
  BOOST_CHECK_EQUAL(cli.exit_code, 0);
  BOOST_CHECK_MESSAGE(cli.out.find("src: reading lfsnap.t") != std::string::npos,
                      cli.out << cli.err);
  s = wait_reads(90000);
  // 3: the API, with a filter; then DELETE answers for a table no longer read.
  auto post = runtime::http_request(api, "POST", "/pipelines/lfsnap/snapshot",
                                    R"({"tables": ["t"], "filters": {"t": "id <= 100"}})", 30000);
  BOOST_REQUIRE(post.ok());
  BOOST_CHECK_EQUAL(post->status, 200);
  BOOST_CHECK_MESSAGE(post->body.find("where id <= 100") != std::string::npos, post->body);
  s = wait_reads(90100);
  auto del = runtime::http_request(api, "DELETE", "/pipelines/lfsnap/snapshot", "", 30000);
  BOOST_REQUIRE(del.ok());
  BOOST_CHECK_EQUAL(del->status, 200);
  auto bad = runtime::http_request(api, "POST", "/pipelines/lfsnap/snapshot",
                                   R"({"tables": ["nope"]})", 30000);
  BOOST_REQUIRE(bad.ok());
  BOOST_CHECK_EQUAL(bad->status, 409);
  BOOST_CHECK_MESSAGE(bad->body.find("matches no table") != std::string::npos, bad->body);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  writer.finish();
  s = ops();
  BOOST_CHECK_EQUAL(std::count(s.begin(), s.end(), 'r'), 90100);
  // Changes flowed during the reads: "c" between the first and the last "r" of each read.
  const size_t second_read = s.find('r', s.find('c'));
  BOOST_REQUIRE(second_read != std::string::npos);
  const size_t c_inside = s.find('c', second_read);
  BOOST_CHECK_MESSAGE(c_inside != std::string::npos && s.find('r', c_inside) != std::string::npos,
                      "no change came out while t was read again");
  BOOST_CHECK(read_file(out).find("sluice_signal") == std::string::npos);
  auto r = run.stop();
  BOOST_CHECK_EQUAL(r.exit_code, 0);
}

BOOST_AUTO_TEST_SUITE_END()
