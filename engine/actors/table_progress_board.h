// A source's per-table read progress (Source::table_progress) as last reported by its actor,
// read by /metrics, the management API and the progress line from other threads.
#pragma once
#include <mutex>
#include <utility>
#include <vector>

#include "engine/core/operator.h"

namespace sluice::engine {

class TableProgressBoard {
 public:
  void set(std::vector<TableProgress> t) {
    std::lock_guard<std::mutex> lock(mu_);
    tables_ = std::move(t);
  }
  std::vector<TableProgress> get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return tables_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<TableProgress> tables_;
};

}  // namespace sluice::engine
