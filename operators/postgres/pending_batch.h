// The events the postgres sink accepted but has not written yet: write() adds a call's events
// while fewer than batch.rows are pending and the oldest is younger than batch.delay; else the
// pending events and the call's go out in one flush.
#pragma once
#include <cstdint>
#include <vector>

#include "base/event.h"
#include "operators/postgres/sink_options.h"

namespace sluice::operators::postgres {

class PendingBatch {
 public:
  bool empty() const { return events_.empty(); }
  // The pending events themselves (ReplayGate::release puts held events ahead of them).
  std::vector<Event>& events() { return events_; }
  void clear() { events_.clear(); }

  // True when `count` more events may wait (batch.rows and batch.delay of `opts`).
  bool absorbs(size_t count, const SinkOptions& opts);
  // Moves the call's events in (the call succeeds: they are ours, engine/core/operator.h).
  void add(std::vector<Event>& events);
  // The pending events, then the call's.
  std::vector<const Event*> with(const std::vector<Event>& events) const;

 private:
  std::vector<Event> events_;
  int64_t first_us_ = 0;  // when the oldest pending event came
};

}  // namespace sluice::operators::postgres
