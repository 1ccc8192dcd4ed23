#include "operators/postgres/slot_progress.h"

namespace sluice::operators::postgres {

void SlotProgress::reset(size_t slots) {
  done_seq_.assign(slots, -1);
  done_id_.assign(slots, std::string());
  in_doubt_.assign(slots, std::nullopt);
}

std::vector<bool> SlotProgress::todo(int64_t seq, const std::string& event_id) const {
  std::vector<bool> todo(done_seq_.size());
  for (size_t i = 0; i < todo.size(); ++i) {
    todo[i] = !(done_seq_[i] == seq && done_id_[i] == event_id);
  }
  return todo;
}

void SlotProgress::done(size_t slot, bool all, int64_t seq, const std::string& event_id) {
  for (size_t j = 0; j < done_seq_.size(); ++j) {
    if (j != slot && !all) continue;
    done_seq_[j] = seq;
    done_id_[j] = event_id;
  }
}

void SlotProgress::in_doubt(size_t slot, InDoubt d) { in_doubt_[slot] = std::move(d); }

std::optional<SlotError> SlotProgress::resolve(std::vector<std::unique_ptr<SinkSlot>>& slots,
                                               std::vector<Event>& dead, uint64_t& rows) {
  for (size_t i = 0; i < slots.size(); ++i) {
    if (!in_doubt_[i]) continue;
    SinkSlot& slot = *slots[i];
    bool committed = false;
    if (auto f = slot.connect()) return SlotError{*f, "cannot connect"};
    try {
      committed = slot.checkpoint_row().committed_at(slot.connection(), in_doubt_[i]->token);
    } catch (const std::exception& e) {
      slot.drop();
      return SlotError{PgFailure::from(e), "cannot check an in-doubt commit"};
    }
    InDoubt d = std::move(*in_doubt_[i]);
    in_doubt_[i].reset();
    if (!committed) continue;
    done(i, d.all_rows, d.seq, d.event_id);
    rows += d.rows;
    for (auto& e : d.dead) dead.push_back(std::move(e));
  }
  return std::nullopt;
}

}  // namespace sluice::operators::postgres
