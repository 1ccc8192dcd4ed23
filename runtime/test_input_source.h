// `sluice test`: the source that stands in for a stage given `input STAGE = [...]` (and, with
// no records, for every other source: sources are never opened by a test).
#pragma once
#include <string>
#include <vector>

#include "engine/core/operator.h"

namespace sluice::runtime {

class TestInputSource : public Source {
 public:
  explicit TestInputSource(std::vector<Event> events) : events_(std::move(events)) {}
  result<void> open(const std::string& state) override;
  result<Poll> poll(size_t max, std::vector<Event>& out) override;
  std::string checkpoint_state() const override { return std::to_string(next_); }

 private:
  std::vector<Event> events_;
  size_t next_ = 0;
};

}  // namespace sluice::runtime
