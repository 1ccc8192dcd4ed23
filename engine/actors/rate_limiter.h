// rate_limit: at most `per_second` records taken in per second. A batch of n records is
// admitted at time t only when t >= next_free; admitting it moves next_free by n/rate.
#pragma once
#include <cstddef>
#include <cstdint>

namespace sluice::engine {

class RateLimiter {
 public:
  explicit RateLimiter(int64_t per_second = 0) : rate_(per_second) {}
  bool enabled() const { return rate_ > 0; }
  // Micros to wait before a batch may be admitted (0 = admit now). `now_us` monotonic.
  int64_t wait_us(int64_t now_us) const;
  void admit(int64_t now_us, size_t records);

 private:
  int64_t rate_ = 0;
  int64_t next_free_us_ = 0;
};

int64_t monotonic_us();
int64_t wall_clock_us();

}  // namespace sluice::engine
