// Per-stage counters shared by all instances of a stage (live across restarts).
#pragma once
#include <atomic>
#include <cstdint>

namespace sluice::engine {

struct StageCounters {
  std::atomic<uint64_t> in{0};
  std::atomic<uint64_t> out{0};
  std::atomic<uint64_t> dead{0};
  std::atomic<uint64_t> retries{0};
  std::atomic<uint64_t> restarts{0};
};

}  // namespace sluice::engine
