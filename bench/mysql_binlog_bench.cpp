// Binlog read + decode throughput of the mysql source into a null consumer, snapshot
// throughput, and `mariadb-binlog --read-from-remote-server --verbose` on the same binlog.
// Starts its own private MariaDB (tests/support/mariadb_server.h).
// Usage: mysql_binlog_bench [rows] [runs]   (each measurement `runs` times; the median is printed)
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../tests/support/mariadb_server.h"
#include "operators/mysql/mysql_source.h"

using namespace sluice;
namespace my = sluice::operators::mysql;
using Clock = std::chrono::steady_clock;

static my::MySqlConfig config(sluice::test::MariaDbServer& s) {
  my::MySqlConfig c;
  c.name = "bench";
  c.conn.port = s.port();
  c.conn.user = s.kUser;
  c.conn.password = s.kPassword;
  c.server_id = 4242;
  c.database = "bank";
  c.chunk_rows = 20000;
  return c;
}

static double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

static void report(const char* what, size_t rows, const std::vector<double>& rates) {
  std::printf("%s: median %.0f rows/s over %zu runs (", what, median(rates), rates.size());
  for (size_t i = 0; i < rates.size(); ++i) std::printf("%s%.0f", i ? " " : "", rates[i]);
  std::printf(") of %zu rows\n", rows);
}

// CPU seconds (user + system, all threads) this process used so far.
static double cpu_seconds() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}
static double last_cpu = 0;  // CPU seconds of the last drain()

static double drain(my::MySqlSource& src, size_t n) {
  double c0 = cpu_seconds();
  auto t0 = Clock::now();
  std::vector<Event> out;
  size_t got = 0;
  while (got < n) {
    out.clear();
    auto r = src.poll(4096, out);
    if (!r.ok()) {
      std::fprintf(stderr, "poll: %s\n", r.err().message.c_str());
      std::exit(1);
    }
    got += out.size();
    if (*r == Source::Poll::End) break;
  }
  last_cpu = cpu_seconds() - c0;
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

int main(int argc, char** argv) {
  size_t rows = argc > 1 ? std::stoul(argv[1]) : 1000000;
  size_t runs = argc > 2 ? std::stoul(argv[2]) : 5;
  sluice::test::MariaDbServer s("FULL");
  s.exec(
      "CREATE DATABASE bank; CREATE TABLE bank.transactions (id BIGINT PRIMARY KEY, "
      "account_id INT NOT NULL, amount DECIMAL(15,2) NOT NULL, currency CHAR(3), "
      "booked DATETIME(6), note VARCHAR(64))");
  auto start = s.query("SHOW MASTER STATUS").at(0);
  auto t0 = Clock::now();
  s.exec(
      "USE bank; INSERT INTO bank.transactions SELECT seq, seq % 5000, (seq % 100000) / 100, "
      "'EUR', "
      "'2024-01-01 00:00:00' + INTERVAL seq SECOND, CONCAT('payment ', seq) FROM seq_1_to_" +
      std::to_string(rows));
  double load = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("loaded %zu rows in %.2fs\n", rows, load);

  auto cfg = config(s);
  cfg.snapshot = my::SnapshotMode::Never;
  cfg.start.kind = my::StartPosition::Kind::FilePos;
  cfg.start.file = *start[0];
  cfg.start.pos = std::stoull(*start[1]);
  std::vector<double> binlog;
  for (size_t run = 0; run < runs; ++run) {
    my::MySqlSource src(cfg);
    if (!src.open("").ok()) return 1;
    double secs = drain(src, rows);
    binlog.push_back(rows / secs);
    std::printf(
        "binlog read+decode: %zu row events in %.2fs = %.0f rows/s (%.2f CPU s = %.0f rows per "
        "CPU second)\n",
        rows, secs, rows / secs, last_cpu, rows / last_cpu);
  }
  report("binlog read+decode", rows, binlog);
  std::vector<double> tool;
  for (size_t run = 0; run < runs; ++run) {
    std::string cmd = "/usr/bin/mariadb-binlog --read-from-remote-server --host=127.0.0.1 --port=" +
                      std::to_string(s.port()) + " --user=sluice --password=sluice-pw --verbose " +
                      "--start-position=" + *start[1] + " " + *start[0] + " > /dev/null";
    auto t1 = Clock::now();
    int rc = std::system(cmd.c_str());
    double secs = std::chrono::duration<double>(Clock::now() - t1).count();
    std::printf("mariadb-binlog --verbose: %.2fs = %.0f rows/s (rc %d)\n", secs, rows / secs, rc);
    tool.push_back(rows / secs);
  }
  report("mariadb-binlog --verbose", rows, tool);
  std::vector<double> snap;
  for (size_t run = 0; run < runs; ++run) {
    auto c2 = config(s);
    c2.snapshot = my::SnapshotMode::Only;
    my::MySqlSource src(c2);
    if (!src.open("").ok()) return 1;
    double secs = drain(src, rows);
    snap.push_back(rows / secs);
    std::printf(
        "snapshot: %zu rows in %.2fs = %.0f rows/s (%.2f CPU s = %.0f rows per CPU second)\n", rows,
        secs, rows / secs, last_cpu, rows / last_cpu);
  }
  report("snapshot", rows, snap);
  return 0;
}
