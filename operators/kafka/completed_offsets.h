// The offsets of a Kafka source stage that completed checkpoints made durable, whichever of
// its consumers (`parallelism`) read them: the stage's StageShared slot. A consumer that is
// assigned a partition starts there (or further on, where it read the partition itself), so a
// partition that moves between consumers of one process is neither skipped nor read from far
// back; every value in it is safe to resume from, so entries only rise (the largest wins).
#pragma once
#include <cstdint>
#include <mutex>
#include <string>

#include "operators/kafka/partition_offsets.h"

namespace sluice::operators::kafka {

class CompletedOffsets {
 public:
  void raise(const PartitionOffsets& offsets) {
    std::lock_guard<std::mutex> lock(mu_);
    offsets_.raise_to(offsets);
  }
  // -1 when unknown.
  int64_t get(const std::string& topic, int32_t partition) const {
    std::lock_guard<std::mutex> lock(mu_);
    return offsets_.get(topic, partition);
  }

 private:
  mutable std::mutex mu_;
  PartitionOffsets offsets_;
};

}  // namespace sluice::operators::kafka
