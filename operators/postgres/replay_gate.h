// The postgres sink's ordered replay filter (docs/ods.md "Exactly once"). After a restart the
// slots' checkpoint rows may hold events beyond the engine checkpoint: the replay's events up
// to the stored seq are held back (not written) until the event at that seq shows whether this
// is the same stream (its identity equals the stored event_id): then what every slot holds is
// dropped and each slot's flushes leave out its own share up to its stored seq (drop_until());
// otherwise the held events are released, to be written (upsert tables absorb the repeat).
// Events without a source position (aggregate/join output) cannot be matched and are written
// at once; beyond kMaxHeld held events the gate gives up as well.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/event.h"
#include "operators/postgres/checkpoint_table.h"
#include "operators/postgres/lineage.h"
#include "operators/postgres/sink_options.h"

namespace sluice::operators::postgres {

class ReplayGate {
 public:
  // Events held back as possible replays beyond this count are written instead.
  static constexpr size_t kMaxHeld = 200000;

  ReplayGate(const SinkOptions& opts, const Lineage& lineage) : opts_(opts), lineage_(lineage) {}

  // Open, passing everything, for `slots` connections.
  void reset(size_t slots);
  // Reads the slots' stored rows (slot 0's is `first`; `prev_slots` connections wrote them)
  // and arms the filter for the events beyond `accepted` the target holds. May throw libpqxx
  // exceptions.
  void setup(pqxx::connection_base& c, const std::optional<CheckpointTable::Stored>& first,
             int prev_slots, int64_t accepted);

  // The replay has not reached the stored seq yet: write() asks admit().
  bool waiting(int64_t accepted) const { return replay_until_ > accepted; }
  // Events are held, or the stored seq is still awaited.
  bool holding() const { return !held_.empty() || replay_until_ > 0; }
  size_t held() const { return held_.size(); }

  // What write() does with a call's events while the gate waits.
  struct Admission {
    enum class Kind : uint8_t { Write, Hold, Match };
    Kind kind = Kind::Write;  // Write: the gate gave up (held events went to `pending`)
    size_t first = 0;         // Match: the call's first event no slot holds in full
    int64_t drop_all = 0;     // Match: every slot holds the events up to this seq
  };
  // Hold copies the events (the caller counts them as accepted); Match changes nothing until
  // finish(), so a retried call makes the same checks.
  Admission admit(const std::vector<Event>& events, int64_t accepted, std::vector<Event>& pending);
  // Match: the held events some slot lacks, then the call's from `first` on.
  std::vector<const Event*> unmatched(const std::vector<Event>& events, const Admission& a,
                                      int64_t accepted) const;
  // Match, once those are written: forgets the held events; returns how many were dropped.
  int64_t finish(const Admission& a, int64_t accepted);
  // Gives up recognising the replay: the held events go ahead of `pending`, to be written,
  // and the per-slot filter is off.
  void release(std::vector<Event>& pending);

  // A flush whose first seq is at most this may hold events some slot already has.
  int64_t filter_until() const { return filter_until_; }
  // Slot `slot` holds its share of the events up to this seq.
  int64_t drop_until(size_t slot) const { return drop_until_[slot]; }

 private:
  // A stored checkpoint row the replay must reach: its event must be the replay's event at
  // `seq` for the held events to be dropped.
  struct Check {
    int64_t seq = 0;
    std::string event_id;
  };
  std::vector<Check> read_rows(pqxx::connection_base& c,
                               const std::optional<CheckpointTable::Stored>& first,
                               int prev_slots) const;
  // `connections` changed since the killed run: only what every old slot held is known.
  bool arm_changed(const std::vector<Check>& rows, int prev_slots, int64_t max_seq,
                   int64_t accepted);
  // True when the replayed event at each stored seq is the one stored there.
  bool matches(const std::vector<Event>& events, int64_t accepted) const;
  Admission match(const std::vector<Event>& events, int64_t accepted, std::vector<Event>& pending);

  const SinkOptions& opts_;
  const Lineage& lineage_;
  int64_t replay_until_ = 0;  // seq the target holds beyond the engine checkpoint (0 = none)
  std::vector<Check> checks_;
  std::vector<Event> held_;  // possible replays, until the event at replay_until_ arrives
  // Per slot: the seq up to which the target already holds that slot's share of the replay.
  std::vector<int64_t> drop_until_;
  int64_t filter_until_ = 0;  // max of drop_until_: items of events beyond it are all written
};

}  // namespace sluice::operators::postgres
