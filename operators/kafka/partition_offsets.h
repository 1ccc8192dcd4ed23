// Next offsets to consume per topic partition: the kafka source's checkpoint state.
// Text form, one partition a line: "TOPIC\tPARTITION\tNEXT_OFFSET\n" (Kafka topic names
// cannot hold tabs or line breaks).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "base/result.h"

namespace sluice::operators::kafka {

class PartitionOffsets {
 public:
  using Key = std::pair<std::string, int32_t>;
  void set(const std::string& topic, int32_t partition, int64_t next) {
    map_[Key(topic, partition)] = next;
  }
  // The entry of topic/partition (created at -1): stable until this object is assigned or
  // destroyed (map nodes do not move), so a reader can keep it across messages.
  int64_t& slot(const std::string& topic, int32_t partition) {
    return map_.try_emplace(Key(topic, partition), -1).first->second;
  }
  // -1 when unknown.
  int64_t get(const std::string& topic, int32_t partition) const {
    auto it = map_.find(Key(topic, partition));
    return it == map_.end() ? -1 : it->second;
  }
  const std::map<Key, int64_t>& all() const { return map_; }
  // Each partition of `other` at the larger of the two offsets.
  void raise_to(const PartitionOffsets& other) {
    for (const auto& [k, v] : other.map_) {
      auto it = map_.try_emplace(k, v).first;
      if (it->second < v) it->second = v;
    }
  }
  bool empty() const { return map_.empty(); }
  std::string encode() const;
  static result<PartitionOffsets> decode(const std::string& text);

 private:
  std::map<Key, int64_t> map_;
};

}  // namespace sluice::operators::kafka
