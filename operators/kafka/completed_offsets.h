// The offsets of a Kafka source stage that completed checkpoints made durable, whichever of
// its consumers (`parallelism`) read them: the stage's StageShared slot. A consumer that is
// assigned a partition starts there (or further on, where it read the partition itself), so a
// partition that moves between consumers of one process is neither skipped nor read from far
// back; every value in it is safe to resume from, so entries only rise (the largest wins).
//
// Each consumer stages what it records in checkpoint `id`; the first consumer told that `id`
// is written promotes every consumer's entries up to `id`, so the partition's owner commits
// the group offset of a partition another consumer read, whichever consumer hears first.
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "operators/kafka/partition_offsets.h"

namespace sluice::operators::kafka {

class CompletedOffsets {
 public:
  void raise(const PartitionOffsets& offsets) {
    std::lock_guard<std::mutex> lock(mu_);
    offsets_.raise_to(offsets);
  }
  // What `instance` records in checkpoint `id` (not durable yet).
  void stage(int instance, uint64_t id, const PartitionOffsets& offsets) {
    std::lock_guard<std::mutex> lock(mu_);
    staged_[{id, instance}] = offsets;
    // Checkpoints that are never written (a failing store) leave entries: keep the newest.
    while (staged_.size() > kMaxStaged) staged_.erase(staged_.begin());
  }
  // Checkpoint `id` is written: every instance's entries up to it are durable.
  void promote(uint64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = staged_.begin();
    for (; it != staged_.end() && it->first.first <= id; ++it) offsets_.raise_to(it->second);
    staged_.erase(staged_.begin(), it);
  }
  // `instance` starts over (its staged entries were never written).
  void forget(int instance) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = staged_.begin(); it != staged_.end();) {
      it = it->first.second == instance ? staged_.erase(it) : std::next(it);
    }
  }
  // -1 when unknown.
  int64_t get(const std::string& topic, int32_t partition) const {
    std::lock_guard<std::mutex> lock(mu_);
    return offsets_.get(topic, partition);
  }

 private:
  static constexpr size_t kMaxStaged = 512;
  mutable std::mutex mu_;
  PartitionOffsets offsets_;
  std::map<std::pair<uint64_t, int>, PartitionOffsets> staged_;  // (checkpoint, instance)
};

}  // namespace sluice::operators::kafka
