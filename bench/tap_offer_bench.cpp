// The stage side of `sluice tap` alone (engine/actors/stage_tap.h), in CPU time of this thread
// and so hardly disturbed by other load: what a stage pays per outgoing batch of 1024 records
// (the default batch size; rows of 3 fields like bench/tap_overhead.sh's transform) when no tap
// is attached (the attached() check), when one is attached and the 1000 records/s budget is
// spent (the common case of a fast stage: clock read, try_lock), and when the budget lets records
// through (each batch copies what it may; a reader drains the ring in between).
//
//   build/bench/tap_offer_bench [batches=200000] [runs=5]
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "engine/actors/stage_tap.h"

using namespace sluice;

namespace {
double cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

std::vector<Event> batch() {
  std::vector<Event> out(1024);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].row.set(intern("n"), Value::int64(static_cast<int64_t>(i)));
    out[i].row.set(intern("doubled"), Value::int64(static_cast<int64_t>(2 * i)));
    out[i].row.set(intern("label"), Value::string("row " + std::to_string(i)));
  }
  return out;
}

// ns per batch: `mode` 0 = no reader, 1 = a reader and a spent budget, 2 = a budget that lets
// every record through (the ring overwrites itself; a reader takes what is there every batch).
double run(const std::vector<Event>& events, size_t batches, int mode) {
  engine::StageTap tap(mode == 2 ? 1e12 : 1000);
  uint64_t cursor = mode ? tap.attach() : 0;
  if (mode == 1) {
    tap.offer(events);  // spends the initial burst
    cursor = tap.take(cursor, SIZE_MAX).cursor;
  }
  volatile size_t sink = 0;
  const double t0 = cpu_ns();
  for (size_t b = 0; b < batches; ++b) {
    if (tap.attached()) tap.offer(events);
    sink = sink + events.size();
  }
  const double ns = (cpu_ns() - t0) / static_cast<double>(batches);
  if (mode) tap.detach();
  return ns;
}
}  // namespace

int main(int argc, char** argv) {
  const size_t batches = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 200000;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  const auto events = batch();
  const char* names[] = {"no tap", "tap, budget spent", "tap, every record copied"};
  for (int mode = 0; mode < 3; ++mode) {
    const size_t n = mode == 2 ? std::max<size_t>(1, batches / 100) : batches;
    std::vector<double> ns;
    for (int r = 0; r < runs; ++r) ns.push_back(run(events, n, mode));
    std::sort(ns.begin(), ns.end());
    std::printf(
        "%-26s median %10.1f ns per batch of 1024 (%.3f ns per record), min %.1f max %.1f\n",
        names[mode], ns[ns.size() / 2], ns[ns.size() / 2] / 1024, ns.front(), ns.back());
  }
  return 0;
}
