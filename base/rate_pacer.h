// Paces work shared by threads to at most `per_second` units a second (snapshot rows read, for
// snapshot { rows_per_second }): a virtual clock that each charge of n units moves on by
// n / per_second. Work may start when the clock is not ahead of now; idle time is not saved up
// beyond one charge, so a pause is never followed by a burst.
#pragma once
#include <chrono>
#include <cstdint>
#include <mutex>

namespace sluice {

class RatePacer {
 public:
  using clock = std::chrono::steady_clock;

  // 0: no limit (next() is always now, charge() does nothing).
  explicit RatePacer(int64_t per_second = 0) : per_second_(per_second) {}
  RatePacer(const RatePacer&) = delete;
  RatePacer& operator=(const RatePacer&) = delete;

  bool limited() const { return per_second_ > 0; }
  // When the next piece of work may start (a time not after now: at once).
  clock::time_point next() const;
  // `n` units were done, ending now: the clock moves on by their time at the rate, from when
  // they would have started at the rate (so a read slower than the rate waits for nothing).
  void charge(uint64_t n);

 private:
  const int64_t per_second_;
  mutable std::mutex mu_;
  clock::time_point next_{};
};

}  // namespace sluice
