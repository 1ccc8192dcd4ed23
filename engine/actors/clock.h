// The engine's clocks, in micros: monotonic (intervals, deadlines, a stage's rate_limit through
// base/rate_limiter.h) and wall (checkpoint times, lag).
#pragma once
#include <cstdint>

namespace sluice::engine {

int64_t monotonic_us();
int64_t wall_clock_us();

}  // namespace sluice::engine
