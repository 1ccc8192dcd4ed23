// Soak under faults (issue 14): a MariaDB -> PostgreSQL pipeline (upsert copy + append-mode
// history behind a transform with parallelism 3, tests/support/fault_rig.h) runs while a
// writer commits a steady stream of journaled changes and a random fault hits every
// 0.5-3.5 s: kill -9 of sluice, MariaDB restart (SIGTERM) and crash (SIGKILL),
// PostgreSQL restart, FLUSH BINARY LOGS, KILL of the binlog dump thread. At the end the
// history is compared with the journal (lost, duplicated) and the upsert copy with the
// source, row for row.
//
//   build/bench/soak_faults [minutes=10] [min_faults=50] [seed=1]
//
// Runs until both `minutes` passed and `min_faults` faults were injected. Exit 0 only when
// nothing was lost or duplicated, the copy is equal and sluice never exited by itself.
#include <cstdio>
#include <cstdlib>

#include "../tests/support/fault_rig.h"

using namespace sluice::test;
using namespace sluice::test::faults;

namespace {

double minutes_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / 60.0;
}

// True (and the exit code) when sluice exited by itself.
bool exited(Rig& rig, int& code) {
  int status = 0;
  if (!rig.child || ::waitpid(rig.child->pid(), &status, WNOHANG) != rig.child->pid()) {
    return false;
  }
  code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  rig.child.release();  // reaped here; Child must not wait for it again
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const double minutes = argc > 1 ? std::atof(argv[1]) : 10.0;
  const int min_faults = argc > 2 ? std::atoi(argv[2]) : 50;
  const unsigned seed = argc > 3 ? static_cast<unsigned>(std::atoi(argv[3])) : 1u;
  PostgresServer pg(false);
  Rig rig(pg, sluice_bin(), "soak", "10m");
  Writer w(rig.my);
  w.rng.seed(seed);
  w.burst(300);
  std::vector<std::string> snapshot;
  for (auto& [id, v] : w.live) snapshot.push_back("r|" + std::to_string(v));
  const int64_t before_start = w.seq;
  rig.start();
  if (!wait_converged(rig, snapshot.size(), std::chrono::seconds(60)).empty()) {
    std::fprintf(stderr, "the snapshot did not arrive%s\n", rig.log_tail().c_str());
    return 1;
  }
  std::mt19937 rng(seed * 7919u + 1u);
  const char* names[] = {"kill -9 sluice",   "mariadb restart",   "mariadb crash",
                         "postgres restart", "flush binary logs", "kill dump thread"};
  int counts[6] = {0, 0, 0, 0, 0, 0};
  int faults = 0, unexpected_exits = 0;
  const auto t0 = std::chrono::steady_clock::now();
  while (minutes_since(t0) < minutes || faults < min_faults) {
    // Steady writes for 0.5-3.5 s (sluice streams them meanwhile), then the fault.
    const auto until = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(500 + static_cast<int>(rng() % 3000));
    while (std::chrono::steady_clock::now() < until) w.burst(10);
    int code = 0;
    if (exited(rig, code)) {
      ++unexpected_exits;
      std::fprintf(stderr, "sluice exited by itself (%d)%s\n", code, rig.log_tail().c_str());
      rig.start();
    }
    const int kind = static_cast<int>(rng() % 6);
    switch (kind) {
      case 0: {
        rig.stop(SIGKILL);
        if (rng() % 2) w.burst(50 + static_cast<int>(rng() % 200));  // changes while down
        rig.start();
        break;
      }
      case 1:
        rig.my.restart(SIGTERM);
        break;
      case 2:
        rig.my.restart(SIGKILL);
        break;
      case 3:
        pg.restart();
        break;
      case 4:
        rig.my.exec("FLUSH BINARY LOGS");
        break;
      default:
        rig.kill_dump_threads();
        break;
    }
    ++counts[kind];
    ++faults;
    std::fprintf(stderr, "[%5.1f min] fault %d: %s (after change %lld)\n", minutes_since(t0),
                 faults, names[kind], static_cast<long long>(w.seq));
  }
  w.burst(200);
  const size_t want = snapshot.size() + static_cast<size_t>(w.seq - before_start);
  const std::string diff = wait_converged(rig, want, std::chrono::seconds(300));
  Verdict v = verdict(rig, snapshot, before_start);
  int code = 0;
  if (exited(rig, code)) ++unexpected_exits;
  ProcResult last = rig.child ? rig.stop(SIGTERM) : ProcResult{};
  std::printf("soak: %.1f min, %d faults (", minutes_since(t0), faults);
  for (int i = 0; i < 6; ++i) std::printf("%s%s %d", i ? ", " : "", names[i], counts[i]);
  std::printf("), %lld changes\n", static_cast<long long>(w.seq - before_start));
  std::printf("history: %zu rows, %zu expected, lost %zu, duplicated or unexpected %zu\n", v.rows,
              v.expected, v.lost, v.extra);
  if (v.lost) std::printf("  lost:%s\n", v.lost_items.c_str());
  if (v.extra) std::printf("  extra:%s\n", v.extra_items.c_str());
  std::printf("upsert copy: %s\n", diff.empty() ? "equal to the source" : diff.c_str());
  std::printf("sluice exited by itself: %d time(s); final SIGTERM exit code %d\n", unexpected_exits,
              last.exit_code);
  const bool ok =
      diff.empty() && v.lost == 0 && v.extra == 0 && unexpected_exits == 0 && last.exit_code == 0;
  if (!ok) std::fprintf(stderr, "%s\n", rig.log_tail().c_str());
  return ok ? 0 : 1;
}
