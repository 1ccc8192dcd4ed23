#include "operators/postgres/replay_gate.h"

#include <algorithm>

#include "base/logger.h"
#include "operators/postgres/sink_slot.h"

namespace sluice::operators::postgres {

void ReplayGate::reset(size_t slots) {
  replay_until_ = 0;
  checks_.clear();
  held_.clear();
  drop_until_.assign(slots, 0);
  filter_until_ = 0;
}

void ReplayGate::setup(pqxx::connection_base& c,
                       const std::optional<CheckpointTable::Stored>& first, int prev_slots,
                       int64_t accepted) {
  const std::vector<Check> rows = read_rows(c, first, prev_slots);
  int64_t max_seq = 0;
  for (const auto& r : rows) max_seq = std::max(max_seq, r.seq);
  if (first && first->seq > 0 && first->seq < accepted) {
    log::warn("postgres", "sink " + opts_.stage + ": the target is behind the engine checkpoint (" +
                              std::to_string(first->seq) + " < " + std::to_string(accepted) +
                              " events): was it restored from a backup?");
  }
  if (max_seq <= accepted) return;
  if (static_cast<size_t>(prev_slots) == drop_until_.size()) {
    // Each slot holds its share of the events up to its own seq.
    for (size_t i = 0; i < drop_until_.size(); ++i) {
      drop_until_[i] = rows[i].seq;
      if (rows[i].seq > accepted) checks_.push_back(rows[i]);
    }
  } else if (!arm_changed(rows, prev_slots, max_seq, accepted)) {
    return;
  }
  for (const auto& k : checks_) replay_until_ = std::max(replay_until_, k.seq);
  if (replay_until_ == 0) return;
  for (int64_t d : drop_until_) filter_until_ = std::max(filter_until_, d);
  log::info("postgres", "sink " + opts_.stage + ": the target holds " +
                            std::to_string(replay_until_ - accepted) +
                            " event(s) beyond the engine checkpoint; replayed events up to " +
                            "them are dropped");
}

std::vector<ReplayGate::Check> ReplayGate::read_rows(
    pqxx::connection_base& c, const std::optional<CheckpointTable::Stored>& first,
    int prev_slots) const {
  // The rows of this lineage, slot by slot (slot 0's is `first`); a slot without one holds
  // nothing of this lineage.
  const size_t n = std::max(drop_until_.size(), static_cast<size_t>(std::max(prev_slots, 1)));
  std::vector<Check> rows(n);
  for (size_t i = 0; i < n; ++i) {
    std::optional<CheckpointTable::Stored> st;
    if (i == 0) {
      st = first;
    } else {
      CheckpointTable row(opts_.pipeline, SinkSlot::stage_name(opts_.stage, i));
      st = row.read_row(c);
    }
    if (st && st->seq > 0 && lineage_.owns(st->event_id)) rows[i] = {st->seq, st->event_id};
  }
  return rows;
}

bool ReplayGate::arm_changed(const std::vector<Check>& rows, int prev_slots, int64_t max_seq,
                             int64_t accepted) {
  // Events map to other slots now, so only what every old slot held is known to be in the
  // target; the rest is written again (an append table may get a repeat).
  int64_t min_seq = max_seq;
  size_t at = 0;
  for (size_t i = 0; i < static_cast<size_t>(prev_slots) && i < rows.size(); ++i) {
    if (rows[i].seq < min_seq) {
      min_seq = rows[i].seq;
      at = i;
    }
  }
  log::warn("postgres", "sink " + opts_.stage + ": connections changed from " +
                            std::to_string(prev_slots) + " to " +
                            std::to_string(drop_until_.size()) +
                            " since the last run; events the old connections held in part are "
                            "written again");
  if (min_seq <= accepted) return false;
  drop_until_.assign(drop_until_.size(), min_seq);
  checks_.push_back(rows[at]);
  return true;
}

ReplayGate::Admission ReplayGate::admit(const std::vector<Event>& events, int64_t accepted,
                                        std::vector<Event>& pending) {
  size_t n = static_cast<size_t>(
      std::min<int64_t>(static_cast<int64_t>(events.size()), replay_until_ - accepted));
  // Events without a source position come from an aggregate or a join: their number and
  // content depend on how the replay was batched (and on now()), so the replay cannot be
  // recognised; holding them until an event count that may never be reached would keep
  // them from the target. Write them (upserts absorb the repeat).
  bool derived = false;
  for (size_t i = 0; i < n && !derived; ++i) derived = events[i].position.is_null();
  if (derived) {
    log::info("postgres", "sink " + opts_.stage +
                              ": the replay carries events without a source position " +
                              "(aggregate/join output), which cannot be matched; writing them");
    release(pending);
    return {};
  }
  if (accepted + static_cast<int64_t>(n) == replay_until_) return match(events, accepted, pending);
  if (held_.size() + events.size() > kMaxHeld) {
    log::warn("postgres", "sink " + opts_.stage + ": more than " + std::to_string(kMaxHeld) +
                              " possible replays held back; writing them");
    release(pending);
    return {};
  }
  held_.insert(held_.end(), events.begin(), events.end());
  return {Admission::Kind::Hold};
}

bool ReplayGate::matches(const std::vector<Event>& events, int64_t accepted) const {
  const int64_t held_from = accepted - static_cast<int64_t>(held_.size());  // seq before
  auto at = [&](int64_t seq) -> const Event& {
    return seq <= accepted ? held_[static_cast<size_t>(seq - held_from - 1)]
                           : events[static_cast<size_t>(seq - accepted - 1)];
  };
  bool same = true;
  for (const auto& k : checks_) {
    if (k.seq <= held_from) continue;
    same = same && lineage_.event_id(&at(k.seq)) == k.event_id;
  }
  return same;
}

ReplayGate::Admission ReplayGate::match(const std::vector<Event>& events, int64_t accepted,
                                        std::vector<Event>& pending) {
  if (!matches(events, accepted)) {
    log::warn("postgres", "sink " + opts_.stage +
                              ": the replayed events differ from those the target holds " +
                              "(the source replay is not identical); writing them again");
    release(pending);
    return {};
  }
  // Events every slot holds are dropped; those only some slots hold are written to the
  // others (SlotSplitter leaves out each slot's share up to its drop_until()).
  const int64_t held_from = accepted - static_cast<int64_t>(held_.size());
  Admission a;
  a.kind = Admission::Kind::Match;
  a.drop_all = replay_until_;
  for (int64_t d : drop_until_) a.drop_all = std::min(a.drop_all, d);
  a.drop_all = std::max(a.drop_all, held_from);
  a.first = static_cast<size_t>(std::max<int64_t>(a.drop_all - accepted, 0));
  return a;
}

std::vector<const Event*> ReplayGate::unmatched(const std::vector<Event>& events,
                                                const Admission& a, int64_t accepted) const {
  const int64_t held_from = accepted - static_cast<int64_t>(held_.size());
  std::vector<const Event*> evs;
  for (size_t i = 0; i < held_.size(); ++i) {
    if (held_from + 1 + static_cast<int64_t>(i) > a.drop_all) evs.push_back(&held_[i]);
  }
  for (size_t i = a.first; i < events.size(); ++i) evs.push_back(&events[i]);
  return evs;
}

int64_t ReplayGate::finish(const Admission& a, int64_t accepted) {
  const int64_t dropped = a.drop_all - (accepted - static_cast<int64_t>(held_.size()));
  log::info("postgres", "sink " + opts_.stage + ": dropped " + std::to_string(dropped) +
                            " replayed event(s) the target already held");
  held_.clear();
  replay_until_ = 0;
  checks_.clear();
  return dropped;
}

void ReplayGate::release(std::vector<Event>& pending) {
  for (auto& e : pending) held_.push_back(std::move(e));
  pending = std::move(held_);
  held_.clear();
  replay_until_ = 0;
  checks_.clear();
  drop_until_.assign(drop_until_.size(), 0);
  filter_until_ = 0;
}

}  // namespace sluice::operators::postgres
