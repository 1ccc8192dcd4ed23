#include "runtime/test_input_source.h"

namespace sluice::runtime {

result<void> TestInputSource::open(const std::string& state) {
  next_ = state.empty() ? 0 : std::stoul(state);
  return {};
}

result<Source::Poll> TestInputSource::poll(size_t max, std::vector<Event>& out) {
  if (next_ >= events_.size()) return Poll::End;
  for (size_t n = 0; n < max && next_ < events_.size(); ++n) out.push_back(events_[next_++]);
  return Poll::Data;
}

}  // namespace sluice::runtime
