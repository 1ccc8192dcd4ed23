#include "operators/postgres/slot_splitter.h"

#include <algorithm>

namespace sluice::operators::postgres {

std::vector<std::vector<WriteGroup>> SlotSplitter::split(std::vector<WriteGroup>& groups,
                                                         int64_t first_seq, bool serial) const {
  return serial ? serial_jobs(groups, first_seq) : parallel_jobs(groups, first_seq);
}

size_t SlotSplitter::home_slot(const WriteItem& it, int64_t first_seq) const {
  if (slots_ == 1) return 0;
  if (mode_ == Mode::Append) {
    return static_cast<size_t>((first_seq + it.at) % static_cast<int64_t>(slots_));
  }
  return it.hash % slots_;
}

bool SlotSplitter::held(const WriteItem& it, size_t home, int64_t first_seq) const {
  return first_seq <= gate_.filter_until() && first_seq + it.at <= gate_.drop_until(home);
}

std::vector<std::vector<WriteGroup>> SlotSplitter::serial_jobs(std::vector<WriteGroup>& groups,
                                                               int64_t first_seq) const {
  std::vector<std::vector<WriteGroup>> jobs(slots_);
  const bool filter = first_seq <= gate_.filter_until();
  for (auto& g : groups) {
    if (g.truncate) {
      // A truncate runs serially: every slot's row got its seq in the same transaction.
      if (filter && first_seq + g.event_at[0] <= gate_.filter_until()) continue;
    } else if (filter) {
      g.items.erase(std::remove_if(g.items.begin(), g.items.end(),
                                   [&](const WriteItem& it) {
                                     return held(it, home_slot(it, first_seq), first_seq);
                                   }),
                    g.items.end());
      if (g.items.empty()) continue;
    }
    jobs[0].push_back(std::move(g));
  }
  return jobs;
}

std::vector<std::vector<WriteGroup>> SlotSplitter::parallel_jobs(
    const std::vector<WriteGroup>& groups, int64_t first_seq) const {
  std::vector<std::vector<WriteGroup>> jobs(slots_);
  for (const auto& g : groups) {
    std::vector<WriteGroup*> sub(slots_, nullptr);
    for (const auto& it : g.items) {
      size_t home = home_slot(it, first_seq);
      if (held(it, home, first_seq)) continue;
      if (sub[home] == nullptr) {
        jobs[home].push_back(g.same_columns());
        sub[home] = &jobs[home].back();
      }
      sub[home]->items.push_back(it);
    }
  }
  return jobs;
}

}  // namespace sluice::operators::postgres
