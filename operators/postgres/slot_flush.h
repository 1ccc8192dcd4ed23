// One postgres sink flush's transactions on its slots (docs/ods.md "Parallel connections"): a
// serial flush runs on slot 0 alone and its commit writes every slot's checkpoint row; a
// parallel one runs slot 0 on the calling thread and every other slot with work on a thread of
// its own, each writing its own row. collect() then folds the outcomes into the slots' progress
// (a commit in doubt is kept for SlotProgress::resolve) and the counters.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "operators/postgres/batch_planner.h"
#include "operators/postgres/identity_replay.h"
#include "operators/postgres/sink_slot.h"
#include "operators/postgres/sink_stats.h"
#include "operators/postgres/slot_error.h"
#include "operators/postgres/slot_progress.h"
#include "operators/postgres/write_group.h"

namespace sluice::operators::postgres {

class SlotFlush {
 public:
  // A flush with fewer rows than this goes through one connection: splitting it would cost
  // more commits than it saves.
  static constexpr size_t kParallelMin = 256;
  // Serial: one transaction on slot 0 writes every slot's row (one slot, a truncate, a small
  // flush, or groups `ordered` in the source's order, BatchPlanner::ordered). A flush is either
  // serial or parallel in all its attempts (a retry after some slots committed, `any_done`,
  // stays parallel).
  static bool serial(size_t slots, bool any_done, const std::vector<WriteGroup>& groups,
                     bool ordered = false);

  // `todo[i]`: slot i has not committed this flush yet; `jobs[i]`: its groups (SlotSplitter).
  SlotFlush(std::vector<std::unique_ptr<SinkSlot>>& slots, std::vector<bool> todo, bool serial,
            std::vector<std::vector<WriteGroup>> jobs);

  // The slots' commits: `base` with a token of its own (`tokens[i]`), the identities of the
  // slot's rows (append mode: IdentityReplay::tag went into `base`) and the checkpoint rows it
  // writes.
  void prepare(const SinkSlot::Commit& base, const std::vector<int64_t>& tokens,
               IdentityReplay& identity);
  void run(const BatchPlanner& planner);
  // The first failure, if any; the dead letters of the committed slots go to `dead`.
  std::optional<SlotError> collect(SlotProgress& progress, SinkStats& stats,
                                   std::vector<Event>& dead);

 private:
  bool ran(size_t i) const { return serial_ ? i == 0 : todo_[i]; }
  void committed(size_t i, SlotProgress& progress, SinkStats& stats, std::vector<Event>& dead);

  std::vector<std::unique_ptr<SinkSlot>>& slots_;
  std::vector<bool> todo_;
  bool serial_;
  std::vector<std::vector<WriteGroup>> jobs_;
  std::vector<SinkSlot::Commit> commits_;
  std::vector<SinkSlot::Outcome> outcomes_;
};

}  // namespace sluice::operators::postgres
