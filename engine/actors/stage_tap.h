// The tap of a stage (`sluice tap PIPELINE.STAGE`): copies of the records leaving the stage
// while at least one reader is attached. Without a reader the stage pays one relaxed atomic
// load per batch. With one, the stage copies at most `per_second` records a second (an even
// sample of each batch once over budget) into a bounded ring, never waiting: a batch that finds
// the ring locked by another instance or a reader is skipped. Readers keep their own cursor;
// a record overwritten before a reader took it counts as missed for that reader.
#pragma once
#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include "base/event.h"

namespace sluice::engine {

class StageTap {
 public:
  static constexpr size_t kCapacity = 1024;
  static constexpr double kPerSecond = 1000;

  explicit StageTap(double per_second = kPerSecond) : per_second_(per_second) {}

  // The hot path: the stage calls offer() only when this is true.
  bool attached() const { return readers_.load(std::memory_order_relaxed) > 0; }
  // Copies a sample of `events` into the ring (see above). Never blocks.
  void offer(const std::vector<Event>& events);

  // A reader: attach() returns its starting cursor, detach() ends it.
  uint64_t attach();
  void detach();

  struct Taken {
    std::vector<Event> events;
    uint64_t cursor = 0;  // pass to the next take()
    uint64_t missed = 0;  // records of the ring overwritten before this reader took them
  };
  // Up to `max` records after `cursor`, oldest first.
  Taken take(uint64_t cursor, size_t max);

  int readers() const { return readers_.load(std::memory_order_relaxed); }
  // Records that left the stage while a reader was attached, and those copied into the ring.
  uint64_t seen() const { return seen_.load(std::memory_order_relaxed); }
  uint64_t copied() const { return copied_.load(std::memory_order_relaxed); }

 private:
  size_t budget(size_t n);

  const double per_second_;
  std::atomic<int> readers_{0};
  std::atomic<uint64_t> seen_{0};
  std::atomic<uint64_t> copied_{0};
  std::mutex mu_;
  std::vector<Event> ring_;  // ring_[seq % kCapacity] holds record seq (1-based)
  uint64_t head_ = 0;        // the seq of the newest record
  double tokens_ = 0;
  int64_t refilled_at_us_ = 0;
};

}  // namespace sluice::engine
