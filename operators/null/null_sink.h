// Sink `null`: discards events, counting them (for benchmarks).
#pragma once
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/operator.h"

namespace sluice::operators::null_sink {

class NullSink : public Sink {
 public:
  static result<std::unique_ptr<Sink>> make(const StageConfig& cfg);
  result<void> open(const std::string& /*state*/) override { return {}; }
  result<void> write(std::vector<Event>& events, std::vector<Event>& /*dead*/) override {
    count_ += events.size();
    events.clear();
    return {};
  }
  result<std::string> checkpoint(uint64_t /*id*/) override { return std::string(); }
  uint64_t count() const { return count_; }

 private:
  uint64_t count_ = 0;
};

}  // namespace sluice::operators::null_sink
