// Source write latency (issue 17): how long a MariaDB client waits for single-row autocommit
// writes (an UPDATE of a random row of `db.table`, then an INSERT into `db.lat`), measured per
// statement for SECONDS; prints count, p50, p99 and max in milliseconds. bench/snapshot_latency.sh
// runs it without and during a lock-free snapshot.
//
//   write_latency_bench HOST PORT USER PASSWORD DB TABLE ROWS SECONDS
#include <mysql.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 9) {
    std::fprintf(stderr,
                 "usage: write_latency_bench HOST PORT USER PASSWORD DB TABLE ROWS SECONDS\n");
    return 2;
  }
  MYSQL* m = mysql_init(nullptr);
  if (!mysql_real_connect(m, argv[1], argv[3], argv[4], argv[5], std::atoi(argv[2]), nullptr, 0)) {
    std::fprintf(stderr, "connect: %s\n", mysql_error(m));
    return 1;
  }
  const std::string table = argv[6];
  const long rows = std::atol(argv[7]);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(std::atoi(argv[8]));
  std::mt19937_64 rng(1);
  std::vector<double> ms;
  for (long i = 0; std::chrono::steady_clock::now() < until; ++i) {
    const std::string sql =
        i % 2 ? "UPDATE " + table + " SET note = 'lat" + std::to_string(i) + "' WHERE id = " +
                    std::to_string(static_cast<long>(rng() % static_cast<uint64_t>(rows)) + 1)
              : "INSERT INTO lat (v) VALUES (" + std::to_string(i) + ")";
    const auto t0 = std::chrono::steady_clock::now();
    if (mysql_real_query(m, sql.data(), sql.size()) != 0) {
      std::fprintf(stderr, "%s: %s\n", sql.c_str(), mysql_error(m));
      return 1;
    }
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) {
    return ms[std::min(ms.size() - 1, static_cast<size_t>(q * ms.size()))];
  };
  std::printf("writes %zu p50 %.3f p99 %.3f max %.3f ms\n", ms.size(), at(0.5), at(0.99),
              ms.back());
  mysql_close(m);
  return 0;
}
