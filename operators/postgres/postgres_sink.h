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
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/operator.h"
#include "operators/postgres/batch_planner.h"
#include "operators/postgres/checkpoint_table.h"
#include "operators/postgres/pg_failure.h"
#include "operators/postgres/sink_options.h"
#include "operators/postgres/sink_slot.h"
#include "operators/postgres/table_catalog.h"
#include "operators/postgres/written_ids.h"

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

  struct Stats {
    uint64_t rows = 0;          // rows applied (after collapsing)
    uint64_t transactions = 0;  // committed flushes
    uint64_t dead = 0;          // records dead-lettered
    uint64_t split_attempts = 0;
    uint64_t direct_copies = 0;   // table batches COPied straight into the target
    uint64_t replay_skipped = 0;  // replayed events dropped because the target held them
    uint64_t binary_copies = 0;   // COPYs sent in binary format
  };
  // Events held back as possible replays beyond this count are written instead.
  static constexpr size_t kMaxHeld = 200000;
  // The identity of an event as stored in sluice_checkpoints.event_id: op, position, key.
  static std::string event_id(const Event& e);
  static void append_event_id(const Event& e, std::string& out);
  // Its 64-bit hash as stored in sluice_written (append mode); an event without a key (a
  // table without a primary key) is identified by its row as well. `buf` is scratch space
  // (one per sink: no allocation per event).
  static uint64_t event_hash(const Event& e, std::string& buf);
  const Stats& stats() const { return stats_; }

 private:
  struct InDoubt {  // a slot's commit whose outcome is unknown
    int64_t token = 0;
    int64_t seq = 0;
    std::string event_id;
    std::vector<Event> dead;
    uint64_t rows = 0;
    bool all_rows = false;  // a serial flush: it wrote every slot's checkpoint row
  };
  // A stored checkpoint row the replay must reach: its event must be the replay's event at
  // `seq` for the held events to be dropped.
  struct ReplayCheck {
    int64_t seq = 0;
    std::string event_id;
  };

  result<void> connect();
  result<void> flush(const std::vector<const Event*>& evs, std::vector<Event>& dead,
                     int64_t last_seq);
  // Flushes pending_ (every event accepted so far); cleared when it commits.
  result<void> flush_pending(std::vector<Event>& dead);
  result<void> resolve_in_doubt(std::vector<Event>& dead);
  // Splits the flush's groups over the slots (by key hash; append: by seq), leaving out what
  // a slot already holds after a restart (drop_until_).
  std::vector<std::vector<WriteGroup>> split(std::vector<WriteGroup>& groups, int64_t first_seq,
                                             bool serial) const;
  size_t home_slot(const WriteItem& it, int64_t first_seq) const;
  // Reads the slots' stored rows and sets up the replay filter.
  void setup_replay(const std::optional<CheckpointTable::Stored>& first, int prev_slots);
  // Gives up recognising the replay: the held events go ahead of the pending ones, to be
  // written, and the per-slot filter is off.
  void release_held();
  // Append mode after a restart: drops (from `events`) the replayed events whose identity the
  // target holds (replay_ids_), whatever their order.
  void drop_replayed(std::vector<Event>& events);
  error fail(const PgFailure& f, const char* what);
  int64_t next_token();
  SinkSlot& main_slot() { return *slots_[0]; }

  SinkOptions opts_;
  TableCatalog catalog_;
  BatchPlanner planner_;
  std::vector<std::unique_ptr<SinkSlot>> slots_;
  std::optional<std::string> stored_position_;
  std::string last_position_;  // of the last committed flush ("" = none)
  std::vector<Event> pending_;
  int64_t first_pending_us_ = 0;
  std::vector<Event> deferred_dead_;  // dead letters found by checkpoint()'s flush
  int64_t last_token_ = 0;
  bool opened_ = false;
  int other_failures_ = 0;
  // Per slot: the seq and last event id of the last flush it committed in this process (a
  // retried call skips the slots that already hold it), a commit in doubt, and after a
  // restart the seq up to which the target already holds that slot's share of the replay.
  std::vector<int64_t> done_seq_;
  std::vector<std::string> done_id_;
  std::vector<std::optional<InDoubt>> in_doubt_;
  std::vector<int64_t> drop_until_;
  int64_t filter_until_ = 0;  // max of drop_until_: items of events beyond it are all written
  int64_t accepted_ = 0;      // events taken by write() so far, across restarts (state "seq")
  int64_t replay_until_ = 0;  // seq the target holds beyond the engine checkpoint (0 = none)
  std::vector<ReplayCheck> replay_checks_;
  std::string lineage_;      // random id of this checkpoint lineage (kept in the state)
  std::vector<Event> held_;  // possible replays, until the event at replay_until_ arrives
  // A restart with no engine checkpoint (a fresh lineage) that finds the output of an earlier
  // lineage which never acknowledged a barrier: that run's rows are covered by no checkpoint
  // and the new run derives everything again, so its tables are cleared (a truncate) in the
  // new lineage's first flush (docs/ods.md "A restart with no checkpoint").
  std::vector<std::string> takeover_tables_;
  Event takeover_event_;                     // the synthetic truncate of those tables
  std::vector<std::string> lineage_tables_;  // tables this lineage wrote (stored in the row)
  bool tables_dirty_ = false;                // lineage_tables_ grew since the last commit
  bool acked_ = false;                       // this lineage acknowledged a barrier
  // Append mode (written_ids.h): every transaction records the identities it writes; a
  // restart loads those written after its checkpoint and drops their replays by identity.
  bool by_identity_ = false;
  WrittenIds written_;
  WrittenIds::Counts replay_ids_;
  uint64_t ckpt_ = 0;            // the last checkpoint taken (or restored): tags the rows
  uint64_t replay_dropped_ = 0;  // replayed events dropped by identity since open()
  std::string id_buf_;           // event_hash() scratch
  Stats stats_;
};

}  // namespace sluice::operators::postgres
