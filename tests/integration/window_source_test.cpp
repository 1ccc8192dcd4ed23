// Issue 18 point 4: a windowed aggregate whose watermark follows the source's progress
// (`watermark_from = source`). Rows go into MariaDB through a real binlog; once the writes
// stop, the MySQL source's heartbeats bring its progress to the present, so the window of the
// last rows closes (emit = on_close) although no later row ever arrives. With the watermark
// following the data only, the same window stays open.
#include <signal.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <thread>

#include "integration/ods_support.h"
#include "integration/run_support.h"

namespace sluice::test {
namespace {

using namespace std::chrono_literals;
using namespace ods;

std::string window_pipeline(const TempDir& dir, const std::string& from) {
  return "pipeline wsrc {\n"
         "  settings { state_dir = \"" +
         dir.file("state") +
         "\"  checkpoint_interval = 200ms }\n"
         "  source mysql db {\n"
         "    host = env(\"MYSQL_HOST\")  port = to_int(env(\"MYSQL_PORT\"))\n"
         "    user = env(\"MYSQL_USER\")  password = env(\"MYSQL_PASSWORD\")\n"
         "    tables = [\"wsrc.ev\"]  server_id = 7311  heartbeat = 200ms\n"
         "  }\n"
         "  aggregate per_window from db {\n"
         "    group by k\n    window tumbling(2s) on at\n    watermark = 0s\n"
         "    watermark_from = " +
         from +
         "\n    emit = on_close\n    n = count()\n  }\n"
         "  sink file out from per_window { path = \"" +
         dir.file("out.jsonl") + "\" }\n}\n";
}

// Rows in the output (each a closed window), waiting up to `limit`.
size_t windows_out(const std::string& path, size_t want, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  size_t n = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    n = std::filesystem::exists(path) ? read_jsonl(path).size() : 0;
    if (n >= want) return n;
    std::this_thread::sleep_for(100ms);
  }
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(window_watermark_from_source)

BOOST_AUTO_TEST_CASE(an_idle_server_closes_the_last_window_through_heartbeats) {
  for (const std::string from : {"source", "data"}) {
    BOOST_TEST_CONTEXT("watermark_from = " << from) {
      my_exec(
          "DROP DATABASE IF EXISTS wsrc; CREATE DATABASE wsrc; CREATE TABLE wsrc.ev (id INT "
          "PRIMARY KEY, k INT NOT NULL, at DATETIME(6) NOT NULL)");
      TempDir dir;
      write_file(dir.file("p.pipe"), window_pipeline(dir, from));
      Child run({sluice_bin(), "run", dir.file("p.pipe")}, pipeline_env("postgres"));
      std::this_thread::sleep_for(1500ms);  // streaming
      // Three rows of one time (so one window), then nothing more.
      my_exec(
          "SET @t = UTC_TIMESTAMP(6); INSERT INTO wsrc.ev VALUES (1, 1, @t), (2, 1, @t), "
          "(3, 1, @t)");
      const size_t n = windows_out(dir.file("out.jsonl"), 1, from == "source" ? 15s : 5s);
      run.signal(SIGTERM);
      auto r = run.wait(30s);
      BOOST_TEST(r.exit_code == 0, r.err);
      if (from == "source") {
        BOOST_REQUIRE(n == 1u);
        auto rows = read_jsonl(dir.file("out.jsonl"));
        BOOST_TEST(get(rows[0], "after", "n")->as_int() == 3);
        BOOST_TEST(get(rows[0], "op")->as_string() == "c");
      } else {
        BOOST_TEST(n == 0u);  // the data alone never passes the window's end
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace sluice::test
