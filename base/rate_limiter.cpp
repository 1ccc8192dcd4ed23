#include "base/rate_limiter.h"

#include <algorithm>
#include <chrono>

namespace sluice {

int64_t RateLimiter::wait_us(int64_t now_us) const {
  if (rate_ <= 0 || now_us >= next_free_us_) return 0;
  return next_free_us_ - now_us;
}

void RateLimiter::admit(int64_t started_us, size_t records) {
  if (rate_ <= 0) return;
  next_free_us_ =
      std::max(next_free_us_, started_us) + static_cast<int64_t>(records) * 1'000'000 / rate_;
}

int64_t RateLimiter::steady_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace sluice
