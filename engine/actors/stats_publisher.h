// Copies an operator's own figures (Source/Processor/Sink::report_stats) to its stage's
// OperatorStatsBoard: at most once a second while it works, and at every checkpoint.
#pragma once
#include <cstdint>

#include "engine/actors/clock.h"
#include "engine/actors/operator_stats_board.h"

namespace sluice::engine {

class StatsPublisher {
 public:
  static constexpr int64_t kEveryUs = 1'000'000;

  template <class Operator>
  void publish(const Operator* op, OperatorStatsBoard& board, int instance, bool force) {
    if (op == nullptr) return;
    const int64_t now = monotonic_us();
    if (!force && now - last_us_ < kEveryUs) return;
    last_us_ = now;
    OperatorStats stats;
    op->report_stats(stats);
    if (stats.empty() && !published_) return;
    published_ = true;
    board.set(instance, std::move(stats));
  }

 private:
  int64_t last_us_ = 0;
  bool published_ = false;
};

}  // namespace sluice::engine
