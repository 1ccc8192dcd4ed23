// What each slot of the postgres sink committed in this process: the seq and event id of the
// last flush it committed (a retried call skips the slots that already hold it), and a commit
// whose outcome is unknown (in doubt), resolved on the next call by reading the slot's
// checkpoint row back: the row carries the commit's token (updated_at) when it happened.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/event.h"
#include "operators/postgres/sink_slot.h"
#include "operators/postgres/slot_error.h"

namespace sluice::operators::postgres {

class SlotProgress {
 public:
  struct InDoubt {  // a slot's commit whose outcome is unknown
    int64_t token = 0;
    int64_t seq = 0;
    std::string event_id;
    std::vector<Event> dead;
    uint64_t rows = 0;
    bool all_rows = false;  // a serial flush: it wrote every slot's checkpoint row
  };

  // Open, with `slots` connections: nothing committed, nothing in doubt.
  void reset(size_t slots);
  // Per slot: true when it has not committed the flush ending at (seq, event_id) yet.
  std::vector<bool> todo(int64_t seq, const std::string& event_id) const;
  // Slot `slot` (every slot: `all`, a serial flush) committed the flush ending at (seq, id).
  void done(size_t slot, bool all, int64_t seq, const std::string& event_id);
  void in_doubt(size_t slot, InDoubt d);
  // Asks the target about each commit in doubt: a commit that happened counts as done, its
  // rows are added to `rows` and its dead letters to `dead`. Stops at the first failure.
  std::optional<SlotError> resolve(std::vector<std::unique_ptr<SinkSlot>>& slots,
                                   std::vector<Event>& dead, uint64_t& rows);

 private:
  std::vector<int64_t> done_seq_;
  std::vector<std::string> done_id_;
  std::vector<std::optional<InDoubt>> in_doubt_;
};

}  // namespace sluice::operators::postgres
