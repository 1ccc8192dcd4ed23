#include "base/rate_pacer.h"

#include <algorithm>

namespace sluice {

RatePacer::clock::time_point RatePacer::next() const {
  std::lock_guard<std::mutex> lk(mu_);
  return next_;
}

void RatePacer::charge(uint64_t n) {
  if (per_second_ <= 0 || n == 0) return;
  const auto cost = std::chrono::duration_cast<clock::duration>(
      std::chrono::duration<double>(static_cast<double>(n) / static_cast<double>(per_second_)));
  std::lock_guard<std::mutex> lk(mu_);
  next_ = std::max(next_, clock::now() - cost) + cost;
}

}  // namespace sluice
