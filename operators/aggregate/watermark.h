// The event-time clock of a windowed aggregate: the watermark is the largest event time seen
// minus `watermark` (the delay); a window is closed once the watermark reaches its end plus
// `allowed_lateness`. Without a delay configured nothing ever closes. The largest event time
// goes into the checkpoint header, so that a restore continues with the same watermark.
// From the source (watermark_from = source): the largest source progress seen (advance())
// takes the place of the largest event time; the events' own times do not move it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "operators/aggregate/state_codec.h"

namespace sluice::operators::aggregate {

class Watermark {
 public:
  Watermark() = default;
  Watermark(std::optional<int64_t> delay_us, int64_t lateness_us, bool from_source = false)
      : delay_(delay_us), lateness_(lateness_us), from_source_(from_source) {}

  bool enabled() const { return delay_.has_value(); }
  void reset() { max_.reset(); }
  bool from_source() const { return from_source_; }
  void observe(int64_t event_us) {
    if (!from_source_) raise(event_us);
  }
  // The sources' progress (Batch::progress_us); only with from_source. True when it moved.
  bool advance(int64_t progress_us) {
    if (!from_source_ || (max_ && progress_us <= *max_)) return false;
    max_ = progress_us;
    return true;
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
  void raise(int64_t t) {
    if (!max_ || t > *max_) max_ = t;
  }
  bool from_source_ = false;
  std::optional<int64_t> max_;  // the largest event time (or source progress) seen
};

}  // namespace sluice::operators::aggregate
