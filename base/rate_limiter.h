// At most `per_second` units a second (a stage's `rate_limit` records, snapshot { rows_per_second }
// rows): work of n units started at time t is admitted only when t >= next_free; admitting it
// moves next_free to max(next_free, t) + n / rate, so idle time saves up no burst. Not
// synchronized: a caller shared by threads holds its own lock.
#pragma once
#include <cstddef>
#include <cstdint>

namespace sluice {

class RateLimiter {
 public:
  explicit RateLimiter(int64_t per_second = 0) : rate_(per_second) {}
  bool enabled() const { return rate_ > 0; }
  // Micros to wait before more work may start (0 = now). `now_us`: steady_now_us().
  int64_t wait_us(int64_t now_us) const;
  // `records` units of work that started at `started_us` (before it ran or after it ended).
  void admit(int64_t started_us, size_t records);
  // The steady clock in micros, the time base of wait_us and admit.
  static int64_t steady_now_us();

 private:
  int64_t rate_ = 0;
  int64_t next_free_us_ = 0;
};

}  // namespace sluice
