#include "runtime/capture_sink.h"

#include <iterator>

namespace sluice::runtime {

void Captured::add(const std::string& stage, std::vector<Event>& events) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& list = by_stage_[stage];
  list.insert(list.end(), std::make_move_iterator(events.begin()),
              std::make_move_iterator(events.end()));
}

std::vector<Event> Captured::take(const std::string& stage) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_stage_.find(stage);
  if (it == by_stage_.end()) return {};
  return std::move(it->second);
}

result<void> CaptureSink::write(std::vector<Event>& events, std::vector<Event>& /*dead*/) {
  into_->add(stage_, events);
  return {};
}

}  // namespace sluice::runtime
