#include "engine/actors/stage_tap.h"

#include <algorithm>

#include "engine/actors/clock.h"

namespace sluice::engine {

size_t StageTap::budget(size_t n) {
  const int64_t now = monotonic_us();
  const double elapsed = static_cast<double>(now - refilled_at_us_) / 1e6;
  tokens_ = std::min(per_second_, tokens_ + elapsed * per_second_);
  refilled_at_us_ = now;
  const size_t k = std::min(n, static_cast<size_t>(tokens_));
  tokens_ -= static_cast<double>(k);
  return k;
}

void StageTap::offer(const std::vector<Event>& events) {
  const size_t n = events.size();
  if (n == 0) return;
  seen_.fetch_add(n, std::memory_order_relaxed);
  std::unique_lock<std::mutex> lock(mu_, std::try_to_lock);
  if (!lock.owns_lock() || ring_.empty()) return;
  const size_t k = budget(n);
  for (size_t i = 0; i < k; ++i) {
    // k == n copies every record; fewer spread evenly over the batch.
    ring_[++head_ % kCapacity] = events[i * n / k];
  }
  copied_.fetch_add(k, std::memory_order_relaxed);
}

uint64_t StageTap::attach() {
  std::lock_guard<std::mutex> lock(mu_);
  if (ring_.empty()) {
    ring_.resize(kCapacity);
    tokens_ = per_second_;
    refilled_at_us_ = monotonic_us();
  }
  readers_.fetch_add(1, std::memory_order_relaxed);
  return head_;
}

void StageTap::detach() {
  std::lock_guard<std::mutex> lock(mu_);
  if (readers_.fetch_sub(1, std::memory_order_relaxed) == 1) ring_ = {};
}

StageTap::Taken StageTap::take(uint64_t cursor, size_t max) {
  Taken t;
  std::lock_guard<std::mutex> lock(mu_);
  if (head_ > kCapacity && cursor < head_ - kCapacity) {
    t.missed = head_ - kCapacity - cursor;
    cursor = head_ - kCapacity;
  }
  const uint64_t end = std::min<uint64_t>(head_, cursor + max);
  if (!ring_.empty()) {
    for (uint64_t seq = cursor + 1; seq <= end; ++seq) t.events.push_back(ring_[seq % kCapacity]);
  }
  t.cursor = std::max(cursor, end);
  return t;
}

}  // namespace sluice::engine
