// `sluice run` never exits 0 when the work was not done (issue 15, "never a silent stop"):
// errors that waiting cannot heal (a wrong password, an unknown database) fail at once with
// exit 3 and what to change, without restarting; a sink that keeps failing is never idle,
// so `--exit-when-idle` does not turn it into a success: the run exits 3 once the restart
// budget is spent; a long checkpoint is not idleness.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <thread>

#include "integration/run_support.h"
#include "support/free_port.h"
#include "support/mariadb_server.h"

using namespace sluice;
using namespace sluice::test;
using namespace std::chrono_literals;

namespace {

std::string mysql_pipe(const TempDir& d, int port, const std::string& database) {
  return "pipeline p {\n"
         "  settings { state_dir = \"" +
         d.file("state") +
         "\" }\n"
         "  source mysql src {\n"
         "    host = \"127.0.0.1\"  port = " +
         std::to_string(port) +
         "\n"
         "    user = \"sluice\"  password = secret(\"MYSQL_PASSWORD\")\n"
         "    server_id = 7791  database = \"" +
         database +
         "\"  tables = [\"t\"]\n"
         "  }\n"
         "  sink file out from src { path = \"" +
         d.file("out.jsonl") +
         "\" }\n"
         "}\n";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(exit_rules)

BOOST_AUTO_TEST_CASE(a_wrong_password_exits_3_at_once) {
  MariaDbServer& my = MariaDbServer::shared();
  my.exec(
      "CREATE DATABASE IF NOT EXISTS exitrules; CREATE TABLE IF NOT EXISTS exitrules.t (id "
      "INT PRIMARY KEY)");
  TempDir d;
  write_file(d.file("p.pipe"), mysql_pipe(d, my.port(), "exitrules"));
  auto t0 = std::chrono::steady_clock::now();
  auto r = run_sluice({"run", d.file("p.pipe"), "--exit-when-idle", "2s"},
                      {"MYSQL_PASSWORD=not-the-password"}, d.str(), 60s);
  auto took = std::chrono::steady_clock::now() - t0;
  BOOST_TEST(r.exit_code == 3, r.err);
  BOOST_TEST(r.err.find("check the `user` and `password` options") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("restarting") == std::string::npos, r.err);  // no restart budget spent
  BOOST_TEST(r.err.find("not-the-password") == std::string::npos);   // never printed
  BOOST_TEST(std::chrono::duration_cast<std::chrono::seconds>(took).count() < 10);
}

BOOST_AUTO_TEST_CASE(an_unknown_database_exits_3_at_once) {
  MariaDbServer& my = MariaDbServer::shared();
  TempDir d;
  write_file(d.file("p.pipe"), mysql_pipe(d, my.port(), "no_such_db"));
  auto r = run_sluice({"run", d.file("p.pipe"), "--exit-when-idle", "2s"},
                      {"MYSQL_PASSWORD=sluice-pw"}, d.str(), 60s);
  BOOST_TEST(r.exit_code == 3, r.err);
  BOOST_TEST(r.err.find("no_such_db") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("restarting") == std::string::npos, r.err);
}

// Nothing is skipped silently (issue 15): a restart whose checkpoint names a binlog file the
// server has purged exits 3 naming the file and how to start over.
BOOST_AUTO_TEST_CASE(a_purged_checkpoint_binlog_exits_3_naming_it) {
  MariaDbServer my("FULL", 61);  // private: its binlogs are purged
  my.exec(
      "CREATE DATABASE pb; CREATE TABLE pb.t (id INT PRIMARY KEY); INSERT INTO pb.t VALUES (1)");
  TempDir d;
  write_file(d.file("p.pipe"), mysql_pipe(d, my.port(), "pb"));
  auto r = run_sluice({"run", d.file("p.pipe"), "--exit-when-idle", "2s"},
                      {"MYSQL_PASSWORD=sluice-pw"}, d.str(), 120s);
  BOOST_TEST(r.exit_code == 0, r.err);
  auto file = [&] { return *my.query("SHOW MASTER STATUS").at(0).at(0); };
  const std::string gone = file();  // the checkpoint's file
  my.exec("FLUSH BINARY LOGS");
  my.exec("INSERT INTO pb.t VALUES (2)");  // never read
  my.exec("FLUSH BINARY LOGS");
  auto listed = [&] {
    for (auto& row : my.query("SHOW BINARY LOGS")) {
      if (*row.at(0) == gone) return true;
    }
    return false;
  };
  for (int i = 0; i < 100 && listed(); ++i) {
    my.exec("PURGE BINARY LOGS TO '" + file() + "'");
    if (listed()) std::this_thread::sleep_for(100ms);
  }
  BOOST_REQUIRE(!listed());
  r = run_sluice({"run", d.file("p.pipe"), "--exit-when-idle", "2s"}, {"MYSQL_PASSWORD=sluice-pw"},
                 d.str(), 120s);
  BOOST_TEST(r.exit_code == 3, r.err);
  BOOST_TEST(r.err.find("binlog file " + gone + " is no longer on") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("delete its state directory") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("restarting") == std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(a_sink_that_keeps_failing_is_not_idle) {
  TempDir d;
  const int closed = free_port();  // nothing listens there
  write_file(d.file("p.pipe"),
             "pipeline p {\n"
             "  settings { state_dir = \"" +
                 d.file("state") +
                 "\"  restart_attempts = 2  restart_backoff = exponential(2s, 2s) }\n"
                 "  source generate g { count = 10  fields { n = seq() } }\n"
                 "  sink postgres out from g {\n"
                 "    url = \"postgresql://u@127.0.0.1:" +
                 std::to_string(closed) +
                 "/db\"\n"
                 "    table = \"t\"  mode = append  create_tables = true\n"
                 "    retry { attempts = 4  backoff = exponential(500ms, 2s) }\n"
                 "  }\n"
                 "}\n");
  auto r = run_sluice({"run", d.file("p.pipe"), "--exit-when-idle", "1s"}, {}, d.str(), 120s);
  BOOST_TEST(r.exit_code == 3, r.err);
  BOOST_TEST(r.err.find("idle: stopping") == std::string::npos, r.err);
  BOOST_TEST(r.err.find("restart_attempts = 2") != std::string::npos, r.err);
}

// Idle means nothing is happening, not "no record moved for a second": an aggregate whose
// checkpoint of 1,000,000 groups takes longer than the idle wait is still working. Before,
// this run exited 0 after 1,452,032 of the 3,000,000 records.
BOOST_AUTO_TEST_CASE(a_long_checkpoint_is_not_idleness) {
  TempDir d;
  write_file(
      d.file("p.pipe"),
      "pipeline agg {\n"
      "  settings { state_dir = \"" +
          d.file("state") +
          "\" }\n"
          "  source generate g { count = 3000000  fields { n = seq()  k = seq() % 1000000 } }\n"
          "  aggregate a from g {\n    group by k\n    c = count()\n  }\n"
          "  sink null out from a {}\n"
          "}\n");
  auto r = run_sluice({"run", d.file("p.pipe"), "--exit-when-idle", "1s"}, {}, d.str(), 300s);
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.err.find("3000000") != std::string::npos, r.err);  // the summary's counts
}

BOOST_AUTO_TEST_SUITE_END()
