#include "operators/postgres/slot_flush.h"

#include <thread>

namespace sluice::operators::postgres {

bool SlotFlush::serial(size_t slots, bool any_done, const std::vector<WriteGroup>& groups,
                       bool ordered) {
  size_t items = 0;
  bool has_truncate = false;
  for (const auto& g : groups) {
    items += g.items.size();
    has_truncate = has_truncate || g.truncate;
  }
  return slots == 1 || (!any_done && (ordered || has_truncate || items < kParallelMin));
}

SlotFlush::SlotFlush(std::vector<std::unique_ptr<SinkSlot>>& slots, std::vector<bool> todo,
                     bool serial, std::vector<std::vector<WriteGroup>> jobs)
    : slots_(slots),
      todo_(std::move(todo)),
      serial_(serial),
      jobs_(std::move(jobs)),
      commits_(slots.size()),
      outcomes_(slots.size()) {}

void SlotFlush::prepare(const SinkSlot::Commit& base, const std::vector<int64_t>& tokens,
                        IdentityReplay& identity) {
  for (size_t i = 0; i < slots_.size(); ++i) {
    SinkSlot::Commit& c = commits_[i];
    c = base;
    c.token = tokens[i];
    identity.add_ids(jobs_[i], c.ids);
    if (!serial_) {
      c.rows.push_back(&slots_[i]->checkpoint_row());
    } else if (i == 0) {
      for (auto& s : slots_) c.rows.push_back(&s->checkpoint_row());
    }
  }
}

void SlotFlush::run(const BatchPlanner& planner) {
  std::vector<std::thread> threads;
  for (size_t i = 1; i < slots_.size() && !serial_; ++i) {
    if (!todo_[i]) continue;
    threads.emplace_back([&, i] { outcomes_[i] = slots_[i]->run(jobs_[i], commits_[i], planner); });
  }
  if (todo_[0] || serial_) outcomes_[0] = slots_[0]->run(jobs_[0], commits_[0], planner);
  for (auto& t : threads) t.join();
}

std::optional<SlotError> SlotFlush::collect(SlotProgress& progress, SinkStats& stats,
                                            std::vector<Event>& dead) {
  std::optional<SlotError> failure;
  for (size_t i = 0; i < slots_.size(); ++i) {
    if (!ran(i)) continue;
    SinkSlot::Outcome& o = outcomes_[i];
    stats.binary_copies += o.binary_copies;
    for (TableInfo* t : o.copy_unsafe) t->copy_safe = false;
    if (o.committed) {
      committed(i, progress, stats, dead);
      continue;
    }
    if (o.in_doubt) {
      const SinkSlot::Commit& c = commits_[i];
      progress.in_doubt(i, {c.token, c.seq, c.event_id, std::move(o.dead), o.rows, serial_});
    }
    if (!failure) failure = SlotError{*o.failure, o.what};
  }
  return failure;
}

void SlotFlush::committed(size_t i, SlotProgress& progress, SinkStats& stats,
                          std::vector<Event>& dead) {
  SinkSlot::Outcome& o = outcomes_[i];
  progress.done(i, serial_, commits_[i].seq, commits_[i].event_id);
  for (const auto& g : jobs_[i]) {
    if (!g.direct && !g.truncate) g.table->copy_safe = false;  // a truncate leaves it empty
  }
  stats.rows += o.rows;
  stats.dead += o.dead.size();
  stats.split_attempts += o.split_attempts;
  stats.direct_copies += o.direct_copies;
  for (auto& e : o.dead) dead.push_back(std::move(e));
}

}  // namespace sluice::operators::postgres
