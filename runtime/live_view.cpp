#include "runtime/live_view.h"

#include <algorithm>

namespace sluice::runtime {

uint64_t in_flight(const engine::LivePipeline& p, const engine::LiveStage& s) {
  if (s.type == "source") return 0;
  uint64_t sent = 0;
  for (const auto& up : p.stages) {
    for (const auto& f : s.from) {
      if (f == up.name) sent += up.counters->out.load(std::memory_order_relaxed);
    }
    if (up.dead_letter == s.name) sent += up.counters->dead.load(std::memory_order_relaxed);
  }
  const uint64_t in = s.counters->in.load(std::memory_order_relaxed);
  return sent > in ? sent - in : 0;
}

double pipeline_lag_seconds(const engine::LivePipeline& p) {
  int64_t lag = 0;
  for (const auto& s : p.stages) {
    if (s.type == "source") lag = std::max(lag, s.counters->lag_us.load(std::memory_order_relaxed));
  }
  return static_cast<double>(lag) / 1e6;
}

}  // namespace sluice::runtime
