// Binlog read + decode throughput of the mysql source into a null consumer, snapshot
// throughput, and `mariadb-binlog --read-from-remote-server --verbose` on the same binlog.
// Starts its own private MariaDB (tests/support/mariadb_server.h). Usage: mysql_binlog_bench [rows]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

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

static double drain(my::MySqlSource& src, size_t n) {
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
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

int main(int argc, char** argv) {
  size_t rows = argc > 1 ? std::stoul(argv[1]) : 1000000;
  sluice::test::MariaDbServer s("FULL");
  s.exec("CREATE DATABASE bank; CREATE TABLE bank.transactions (id BIGINT PRIMARY KEY, "
         "account_id INT NOT NULL, amount DECIMAL(15,2) NOT NULL, currency CHAR(3), "
         "booked DATETIME(6), note VARCHAR(64))");
  auto start = s.query("SHOW MASTER STATUS").at(0);
  auto t0 = Clock::now();
  s.exec("USE bank; INSERT INTO bank.transactions SELECT seq, seq % 5000, (seq % 100000) / 100, 'EUR', "
         "'2024-01-01 00:00:00' + INTERVAL seq SECOND, CONCAT('payment ', seq) FROM seq_1_to_" +
         std::to_string(rows));
  double load = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("loaded %zu rows in %.2fs\n", rows, load);

  auto cfg = config(s);
  cfg.snapshot = my::SnapshotMode::Never;
  cfg.start.kind = my::StartPosition::Kind::FilePos;
  cfg.start.file = *start[0];
  cfg.start.pos = std::stoull(*start[1]);
  {
    my::MySqlSource src(cfg);
    if (!src.open("").ok()) return 1;
    double secs = drain(src, rows);
    std::printf("binlog read+decode: %zu row events in %.2fs = %.0f rows/s\n", rows, secs, rows / secs);
  }
  {
    std::string cmd = "/usr/bin/mariadb-binlog --read-from-remote-server --host=127.0.0.1 --port=" +
                      std::to_string(s.port()) + " --user=sluice --password=sluice-pw --verbose " +
                      "--start-position=" + *start[1] + " " + *start[0] + " > /dev/null";
    auto t1 = Clock::now();
    int rc = std::system(cmd.c_str());
    double secs = std::chrono::duration<double>(Clock::now() - t1).count();
    std::printf("mariadb-binlog --verbose: %.2fs = %.0f rows/s (rc %d)\n", secs, rows / secs, rc);
  }
  {
    auto c2 = config(s);
    c2.snapshot = my::SnapshotMode::Only;
    my::MySqlSource src(c2);
    if (!src.open("").ok()) return 1;
    double secs = drain(src, rows);
    std::printf("snapshot: %zu rows in %.2fs = %.0f rows/s\n", rows, secs, rows / secs);
  }
  return 0;
}
