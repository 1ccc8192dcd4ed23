// The latest OperatorStats of each instance of a stage, written by the instances' actors and
// read by /metrics from another thread.
#pragma once
#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include "engine/core/operator_stat.h"

namespace sluice::engine {

class OperatorStatsBoard {
 public:
  void set(int instance, OperatorStats stats) {
    std::lock_guard<std::mutex> lock(mu_);
    by_instance_[instance] = std::move(stats);
  }
  std::vector<std::pair<int, OperatorStats>> snapshot() const {
    std::lock_guard<std::mutex> lock(mu_);
    return {by_instance_.begin(), by_instance_.end()};
  }

 private:
  mutable std::mutex mu_;
  std::map<int, OperatorStats> by_instance_;
};

}  // namespace sluice::engine
