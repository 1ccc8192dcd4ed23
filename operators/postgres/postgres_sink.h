// Sink `postgres` (DSL.md §10, docs/postgres.md): an operational data store writer.
//
// write() buffers events until batch.rows are buffered (or the oldest is older than
// batch.delay), then flushes them in ONE transaction: per target table the rows are applied
// set-wise (TableWriter) and the position of the flush's last event is upserted into
// sluice_checkpoints in the same transaction (exactly once). checkpoint() flushes what is
// buffered; its state blob is {"position": <that position>}.
//
// Errors: a conversion/constraint error (SQLSTATE 22/23) aborts the fast attempt; the flush
// is redone with each table's rows in savepoints, halving failing ranges until single bad
// records are left: they go to `dead` (kind "write", SQLSTATE + server message incl. the
// constraint name), the rest commits. Connection loss, 40001, 40P01, 53300, 57P01: a
// transient error, nothing of the call is durable; the next call reconnects. Any other SQL
// error: one transient retry with a fresh catalog, which splits like a data error. A commit whose
// outcome is unknown is resolved on the next call by reading the checkpoint row back.
//
// `connections = N` (> 1): a flush's rows are split by a hash of their key (append: by event
// seq) over N SinkSlots, each applying its share and its own checkpoint row in its own
// transaction on its own thread; a truncate (or a small flush) goes through slot 0 alone,
// which then writes every slot's row. After a crash the slots may hold different seqs: the
// replay filter drops, per slot, what that slot already holds (docs/ods.md).
//
// `batch { pipelined = true }` (the default): a full batch's transactions run on a thread of
// their own (InFlightFlush) while write() goes on accepting and planning the next batch; the
// next flush starts when that one is collected, so there is one transaction per slot at a
// time as before. Its outcome is collected by the next call that needs it (the next flush,
// idle(), checkpoint()); a failure is that call's error, and the batch is written again by
// the call after it (docs/postgres.md "Pipelined apply").
//
// PostgresSink coordinates; the parts are: PendingBatch (batching), ReplayGate (the ordered
// replay filter), IdentityReplay (append mode's filter by identity), Lineage (lineage id,
// tables, takeover), SlotSplitter + SlotFlush (a flush over the slots), SlotProgress (what
// each slot committed, commits in doubt), SinkState (the engine state blob).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/operator.h"
#include "operators/postgres/batch_planner.h"
#include "operators/postgres/checkpoint_table.h"
#include "operators/postgres/identity_replay.h"
#include "operators/postgres/inflight_flush.h"
#include "operators/postgres/lineage.h"
#include "operators/postgres/pending_batch.h"
#include "operators/postgres/pg_failure.h"
#include "operators/postgres/replay_gate.h"
#include "operators/postgres/sink_options.h"
#include "operators/postgres/sink_slot.h"
#include "operators/postgres/sink_state.h"
#include "operators/postgres/sink_stats.h"
#include "operators/postgres/slot_progress.h"
#include "operators/postgres/table_catalog.h"

namespace sluice::operators::postgres {

class PostgresSink : public Sink {
 public:
  explicit PostgresSink(SinkOptions opts);
  ~PostgresSink() override;
  static result<std::unique_ptr<Sink>> make(const StageConfig& cfg);

  result<void> open(const std::string& state) override;
  result<void> write(std::vector<Event>& events, std::vector<Event>& dead) override;
  result<std::string> checkpoint(uint64_t id) override;
  // The input caught up: write the pending batch now instead of waiting for rows or delay.
  result<void> idle(std::vector<Event>& dead) override;
  void take_dead(std::vector<Event>& dead) override;
  void checkpoint_committed(uint64_t id) override;
  void close() override;

  // The position (JSON text of Event::position) the target holds for this pipeline/stage,
  // read by open(); nullopt when none. The engine resumes the sources from it (see
  // docs/postgres.md "Exactly once").
  const std::optional<std::string>& stored_position() const { return stored_position_; }
  // The same without opening a sink (for the engine before it opens the sources).
  static result<std::optional<std::string>> read_stored_position(const std::string& url,
                                                                 const std::string& pipeline,
                                                                 const std::string& stage);

  using Stats = SinkStats;
  const Stats& stats() const { return stats_; }
  void report_stats(OperatorStats& out) const override;

 private:
  using Stored = std::optional<CheckpointTable::Stored>;

  result<void> connect();
  error fail(const PgFailure& f, const char* what);
  error fail(const SlotError& e) { return fail(e.failure, e.what); }
  int64_t next_token();
  SinkSlot& main_slot() { return *slots_[0]; }

  // ---- open ----
  void reset();
  // Creates the sink's tables, claims the rows (cluster owner), reads slot 0's row.
  result<Stored> read_target();
  // Takes over an earlier lineage's output, or arms a replay filter for this one's.
  result<void> restore(const std::string& state, const SinkState& st, const Stored& stored);

  // ---- write ----
  // The replay matched what the target holds: writes what some slot lacks, drops the rest.
  result<void> write_matched(std::vector<Event>& events, const ReplayGate::Admission& a,
                             std::vector<Event>& dead);
  // Adds the events to the pending batch, or flushes both when the batch is full or old.
  result<void> write_batched(std::vector<Event>& events, std::vector<Event>& dead);
  // Append mode after a restart: drops the replayed events whose identity the target holds.
  void drop_replayed(std::vector<Event>& events);

  // ---- flush ----
  // Writes `evs` (the last with seq `last_seq`) in one transaction per slot that lacks it,
  // after the flush in flight.
  result<void> flush(const std::vector<const Event*>& evs, std::vector<Event>& dead,
                     int64_t last_seq);
  // on_error = fail (SinkOptions::dead_letters_fail): a record the planning could not place
  // fails the flush before anything of it commits.
  result<void> refuse_planned(const std::vector<Event>& plan_dead) const;
  result<void> flush_now(const std::vector<const Event*>& evs, std::vector<Event>& dead,
                         int64_t last_seq);
  // Flushes the pending batch (every event accepted so far); cleared when it commits.
  result<void> flush_pending(std::vector<Event>& dead);
  // The flush's groups: the takeover's truncates, then the planned rows.
  result<void> plan(const std::vector<const Event*>& evs, std::vector<WriteGroup>& groups,
                    std::vector<Event>& plan_dead);
  // The checkpoint row's position for a flush whose last event is `last` (JSON text; "" for an
  // event without one; the stored one for a flush of no event).
  std::string position_of(const Event* last) const;
  // The slots' transactions of a planned flush, ready to run.
  std::unique_ptr<SlotFlush> make_run(std::vector<WriteGroup>& groups, std::vector<bool> todo,
                                      size_t count, int64_t last_seq, const std::string& position,
                                      const std::string& last_id);
  // Folds a run's outcome in: its dead letters to `dead`, or its failure.
  result<void> collect(SlotFlush& run, const std::string& position, std::vector<Event>& plan_dead,
                       std::vector<Event>& dead);
  // What every slot's commit writes besides the rows.
  SinkSlot::Commit commit_base(const std::string& position, int64_t last_seq,
                               const std::string& last_id);
  void committed(const std::string& position, std::vector<Event>& plan_dead,
                 std::vector<Event>& local_dead, std::vector<Event>& dead);

  // ---- pipelined flush ----
  // A full batch may run while write() goes on (no replay, takeover or held events).
  bool pipelining() const;
  // Plans the pending events and the call's and starts them as the flush in flight (after
  // collecting the one before, which the planning overlaps when it needs no catalog read).
  result<void> launch(std::vector<Event>& events, std::vector<Event>& dead);
  // Collects the flush in flight, resolves commits in doubt and writes a failed flush again.
  result<void> catch_up(std::vector<Event>& dead);
  // Waits for the flush in flight and collects it, or writes it again when it failed.
  result<void> settle(std::vector<Event>& dead);
  // A planned group that COPies straight into its table goes by staging when a flush
  // collected since made the table unsafe for it.
  static void recheck_direct(std::vector<WriteGroup>& groups, Mode mode);

  // ---- checkpoint ----
  // The awaited replay identities go with checkpoint `id` (append mode).
  result<void> carry_identities(uint64_t id);
  // This lineage reached a barrier: a later fresh lineage keeps its rows (see open()).
  result<void> acknowledge();

  SinkOptions opts_;
  TableCatalog catalog_;
  BatchPlanner planner_;
  std::vector<std::unique_ptr<SinkSlot>> slots_;
  Lineage lineage_;
  ReplayGate gate_;
  IdentityReplay identity_;
  SlotProgress progress_;
  PendingBatch pending_;
  std::optional<std::string> stored_position_;
  std::string last_position_;         // of the last committed flush ("" = none)
  std::vector<Event> deferred_dead_;  // dead letters found by checkpoint()'s flush
  int64_t last_token_ = 0;
  bool opened_ = false;
  int other_failures_ = 0;
  int64_t accepted_ = 0;  // events taken by write() so far, across restarts (state "seq")
  Stats stats_;
  std::unique_ptr<InFlightFlush> inflight_;  // last: joined before the slots go
};

}  // namespace sluice::operators::postgres
