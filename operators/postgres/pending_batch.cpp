#include "operators/postgres/pending_batch.h"

#include <iterator>

#include "base/temporal.h"

namespace sluice::operators::postgres {

bool PendingBatch::absorbs(size_t count, const SinkOptions& opts) {
  int64_t now = temporal::now_micros();
  if (events_.empty()) first_us_ = now;
  return static_cast<int64_t>(events_.size() + count) < opts.batch_rows &&
         now - first_us_ < opts.batch_delay_us;
}

void PendingBatch::add(std::vector<Event>& events) {
  events_.insert(events_.end(), std::make_move_iterator(events.begin()),
                 std::make_move_iterator(events.end()));
}

std::vector<const Event*> PendingBatch::with(const std::vector<Event>& events) const {
  std::vector<const Event*> evs;
  evs.reserve(events_.size() + events.size());
  for (const auto& e : events_) evs.push_back(&e);
  for (const auto& e : events) evs.push_back(&e);
  return evs;
}

}  // namespace sluice::operators::postgres
