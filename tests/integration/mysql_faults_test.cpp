// What MySQL/MariaDB servers, PostgreSQL and operators do to a running pipeline, end to end
// (issue 14): `sluice run` streams a private MariaDB into PostgreSQL, an upsert copy and an
// append-mode history behind a transform with parallelism 3 (its instances merge at the sink
// in arrival order), while a writer commits a steady stream of changes. Between bursts of
// writes: FLUSH BINARY LOGS, KILL of the dump thread, MariaDB restarts (clean and kill -9),
// PostgreSQL restarts and kill -9 of sluice. Each change is journaled in MariaDB in the same
// transaction, so the history can be counted exactly: every change once, none lost, none
// twice; the upsert copy equals the source row for row.
#include <signal.h>

#include <boost/test/unit_test.hpp>
#include <map>
#include <random>
#include <set>

#include "integration/ods_support.h"
#include "runtime/http_client.h"
#include "support/fault_rig.h"
#include "support/free_port.h"

using namespace sluice;
using namespace sluice::test;
using namespace sluice::test::faults;

BOOST_AUTO_TEST_SUITE(mysql_faults)

BOOST_AUTO_TEST_CASE(every_fault_under_load_loses_and_duplicates_nothing) {
  Rig rig(ods::pg(), sluice_bin(), "faults_a", "2m");
  Writer w(rig.my);
  w.burst(200);  // rows for the snapshot
  std::vector<std::string> snapshot;
  for (auto& [id, v] : w.live) snapshot.push_back("r|" + std::to_string(v));
  const int64_t before_start = w.seq;
  rig.start();
  // The snapshot lands before the writer goes on (its rows are the ones live now).
  std::string d0 = wait_converged(rig, snapshot.size(), std::chrono::seconds(60));
  BOOST_REQUIRE_MESSAGE(d0.empty(), "after the snapshot: " << d0 << rig.log_tail());

  struct Fault {
    const char* name;
    std::function<void()> run;
  };
  std::vector<Fault> faults = {
      {"FLUSH BINARY LOGS", [&] { rig.my.exec("FLUSH BINARY LOGS"); }},
      {"KILL of the dump thread", [&] { rig.kill_dump_threads(); }},
      {"MariaDB restart (SIGTERM)", [&] { rig.my.restart(SIGTERM); }},
      {"kill -9 of sluice",
       [&] {
         auto r = rig.stop(SIGKILL);
         BOOST_REQUIRE_EQUAL(r.exit_code, -SIGKILL);
         rig.start();
       }},
      {"FLUSH BINARY LOGS x3",
       [&] {
         for (int i = 0; i < 3; ++i) {
           rig.my.exec("FLUSH BINARY LOGS");
           w.burst(20);
         }
       }},
      {"MariaDB crash (SIGKILL) and restart", [&] { rig.my.restart(SIGKILL); }},
      {"PostgreSQL restart", [&] { ods::pg().restart(); }},
      {"kill -9 of sluice, then MariaDB restart while it is down",
       [&] {
         auto r = rig.stop(SIGKILL);
         BOOST_REQUIRE_EQUAL(r.exit_code, -SIGKILL);
         w.burst(100);
         rig.my.restart(SIGTERM);
         rig.start();
       }},
      {"KILL of the dump thread, then FLUSH BINARY LOGS",
       [&] {
         rig.kill_dump_threads();
         rig.my.exec("FLUSH BINARY LOGS");
       }},
  };
  for (auto& f : faults) {
    w.burst(250);  // sluice is still streaming these when the fault hits
    BOOST_TEST_MESSAGE("fault: " << f.name << " (after change " << w.seq << ")");
    f.run();
  }
  w.burst(250);
  const size_t want = snapshot.size() + static_cast<size_t>(w.seq - before_start);
  std::string d = wait_converged(rig, want, std::chrono::seconds(180));
  BOOST_CHECK_MESSAGE(d.empty(), d << rig.log_tail());

  Verdict v = verdict(rig, snapshot, before_start);
  BOOST_TEST_MESSAGE(faults.size()
                     << " faults, " << v.expected << " changes expected, history " << v.rows
                     << " rows, lost " << v.lost << ", duplicated or unexpected " << v.extra);
  BOOST_CHECK_MESSAGE(v.lost == 0, v.lost << " lost:" << v.lost_items);
  BOOST_CHECK_MESSAGE(v.extra == 0, v.extra << " duplicated or unexpected:" << v.extra_items);
  BOOST_CHECK_EQUAL(v.rows, v.expected);

  auto r = rig.stop(SIGTERM);
  BOOST_CHECK_EQUAL(r.exit_code, 0);
  std::string log = read_file(rig.dir.file("sluice.log"));
  BOOST_CHECK(log.find("reconnecting") != std::string::npos);
}

// The server crashes while the snapshot is being read: the pipeline resumes the snapshot
// after its last checkpointed key (same snapshot position, so the append history recognises
// the replayed rows) and every row arrives once, then the changes made after the crash.
BOOST_AUTO_TEST_CASE(mariadb_crash_in_the_middle_of_the_snapshot) {
  Rig rig(ods::pg(), sluice_bin(), "faults_c", "2m");
  const int n = 300000;
  rig.my.exec(
      "INSERT INTO fx.acct SELECT seq, -seq, seq / 100, CONCAT('s', seq) FROM "
      "fx.seq_1_to_" +
      std::to_string(n));
  std::vector<std::string> snapshot;
  for (int i = 1; i <= n; ++i) snapshot.push_back("r|" + std::to_string(-i));
  rig.start();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  std::string count = "0";
  while (std::chrono::steady_clock::now() < deadline) {
    count = rig.pg("SELECT count(*) FROM ods.acct_history");
    if (!count.empty() && std::isdigit(static_cast<unsigned char>(count[0])) &&
        std::stoll(count) >= 30000) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  BOOST_TEST_MESSAGE("MariaDB killed with " << count << " history rows written");
  BOOST_REQUIRE_MESSAGE(count != "0" && std::stoll(count) < n, "not mid-snapshot: " << count);
  rig.my.restart(SIGKILL);
  Writer w(rig.my);
  for (int i = 1; i <= 300; ++i) w.live[i] = -i;
  w.burst(500);
  std::string d = wait_converged(rig, n + 500, std::chrono::seconds(240));
  BOOST_CHECK_MESSAGE(d.empty(), d << rig.log_tail());
  Verdict v = verdict(rig, snapshot, 0);
  BOOST_TEST_MESSAGE(v.expected << " changes expected, history " << v.rows << " rows, lost "
                                << v.lost << ", duplicated or unexpected " << v.extra);
  BOOST_CHECK_MESSAGE(v.lost == 0, v.lost << " lost:" << v.lost_items);
  BOOST_CHECK_MESSAGE(v.extra == 0, v.extra << " duplicated or unexpected:" << v.extra_items);
  auto r = rig.stop(SIGTERM);
  BOOST_CHECK_EQUAL(r.exit_code, 0);
}

// While the server is gone the source says so in status and /metrics; after
// reconnect_timeout it fails and `sluice run` exits 3.
BOOST_AUTO_TEST_CASE(a_lost_server_shows_in_status_then_fails_after_reconnect_timeout) {
  Rig rig(ods::pg(), sluice_bin(), "faults_b", "10s");
  Writer w(rig.my);
  w.burst(20);
  const std::string addr = "127.0.0.1:" + std::to_string(free_port());
  const std::string api = "127.0.0.1:" + std::to_string(free_port());
  rig.start({"--metrics", addr, "--api", api});
  std::string d = wait_converged(rig, 20, std::chrono::seconds(60));
  BOOST_REQUIRE_MESSAGE(d.empty(), d << rig.log_tail());
  // The operators' own figures are exported (published at least once a second).
  bool figures = false;
  for (int i = 0; i < 30 && !figures; ++i) {
    auto m = runtime::http_request(addr, "GET", "/metrics", 1000);
    figures = m.ok() &&
              m->body.find(
                  "sluice_postgres_rows_applied_total{pipeline=\"faults\",stage=\"cur\","
                  "instance=\"0\"} 2") != std::string::npos &&
              m->body.find(
                  "sluice_mysql_binlog_transactions_total{pipeline=\"faults\",stage="
                  "\"src\",instance=\"0\"}") != std::string::npos;
    if (!figures) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  BOOST_CHECK_MESSAGE(figures, "operator figures missing from /metrics");
  rig.my.shutdown(SIGTERM);
  // Within the timeout: unhealthy in /metrics and in `sluice status`.
  bool metric = false, status = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (std::chrono::steady_clock::now() < deadline && !(metric && status)) {
    auto m = runtime::http_request(addr, "GET", "/metrics", 1000);
    if (m.ok() && m->body.find("sluice_source_unhealthy{pipeline=\"faults\",stage=\"src\"} 1") !=
                      std::string::npos) {
      metric = true;
    }
    auto st = run_sluice({"status", "--endpoint", api});
    if (st.out.find("reconnecting for") != std::string::npos) status = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  BOOST_CHECK_MESSAGE(metric, "sluice_source_unhealthy did not become 1" << rig.log_tail());
  BOOST_CHECK_MESSAGE(status, "`sluice status` did not say reconnecting" << rig.log_tail());
  auto r = rig.child->wait(std::chrono::seconds(90));
  rig.child.reset();
  BOOST_CHECK_MESSAGE(r.exit_code == 3, "exit " << r.exit_code << rig.log_tail());
  std::string log = read_file(rig.dir.file("sluice.log"));
  BOOST_CHECK_MESSAGE(log.find("(reconnect_timeout 10s)") != std::string::npos, rig.log_tail());
  rig.my.start();
}

BOOST_AUTO_TEST_SUITE_END()
