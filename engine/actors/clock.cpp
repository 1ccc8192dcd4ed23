#include "engine/actors/clock.h"

#include <chrono>

#include "base/rate_limiter.h"

namespace sluice::engine {

int64_t monotonic_us() { return RateLimiter::steady_now_us(); }

int64_t wall_clock_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace sluice::engine
