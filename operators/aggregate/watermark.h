// The event-time clock of a windowed aggregate: the watermark is the largest event time seen
// minus `watermark` (the delay); a window is closed once the watermark reaches its end plus
// `allowed_lateness`. Without a delay configured nothing ever closes. The largest event time
// goes into the checkpoint header, so that a restore continues with the same watermark.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "operators/aggregate/state_codec.h"

namespace sluice::operators::aggregate {

class Watermark {
 public:
  Watermark() = default;
  Watermark(std::optional<int64_t> delay_us, int64_t lateness_us)
      : delay_(delay_us), lateness_(lateness_us) {}

  bool enabled() const { return delay_.has_value(); }
  void reset() { max_.reset(); }
  void observe(int64_t event_us) {
    if (!max_ || event_us > *max_) max_ = event_us;
  }
  // The watermark; nullopt before the first event (or without a delay).
  std::optional<int64_t> value() const;
  // Windows whose end is at or before this are closed; nullopt while none is.
  std::optional<int64_t> close_limit() const;
  bool closed(int64_t window_end) const {
    auto lim = close_limit();
    return lim && window_end <= *lim;
  }

  void encode(std::string& out) const;
  void decode(state_codec::Reader& r);

 private:
  std::optional<int64_t> delay_;
  int64_t lateness_ = 0;
  std::optional<int64_t> max_;  // the largest event time seen
};

}  // namespace sluice::operators::aggregate
