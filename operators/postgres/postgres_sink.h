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
// transient error, nothing of the call is durable; the next call reconnects. A commit whose
// outcome is unknown is resolved on the next call by reading the checkpoint row back.
#pragma once
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "engine/core/operator.h"
#include "operators/postgres/batch_planner.h"
#include "operators/postgres/checkpoint_table.h"
#include "operators/postgres/pg_failure.h"
#include "operators/postgres/sink_options.h"
#include "operators/postgres/table_catalog.h"
#include "operators/postgres/table_writer.h"

namespace sluice::operators::postgres {

class PostgresSink : public Sink {
 public:
  explicit PostgresSink(SinkOptions opts);
  ~PostgresSink() override;
  static result<std::unique_ptr<Sink>> make(const StageConfig& cfg);

  result<void> open(const std::string& state) override;
  result<void> write(std::vector<Event>& events, std::vector<Event>& dead) override;
  result<std::string> checkpoint(uint64_t id) override;
  void take_dead(std::vector<Event>& dead) override;
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
  };
  // Events held back as possible replays beyond this count are written instead.
  static constexpr size_t kMaxHeld = 200000;
  // The identity of an event as stored in sluice_checkpoints.event_id: op, position, key.
  static std::string event_id(const Event& e);
  const Stats& stats() const { return stats_; }

 private:
  result<void> connect();
  result<void> flush(const std::vector<const Event*>& evs, std::vector<Event>& dead,
                     size_t call_events, int64_t last_seq);
  result<void> resolve_in_doubt(std::vector<Event>& dead);
  void apply_range(pqxx::transaction_base& tx, const WriteGroup& g, size_t lo, size_t hi,
                   std::vector<Event>& dead);
  error fail(const PgFailure& f, const char* what);
  int64_t next_token();

  SinkOptions opts_;
  std::unique_ptr<pqxx::connection> conn_;
  TableCatalog catalog_;
  BatchPlanner planner_;
  TableWriter writer_;
  CheckpointTable ckpt_;
  std::optional<std::string> stored_position_;
  std::string last_position_;  // of the last committed flush ("" = none)
  std::vector<Event> pending_;
  int64_t first_pending_us_ = 0;
  std::vector<Event> deferred_dead_;  // dead letters found by checkpoint()'s flush
  int64_t last_token_ = 0;
  bool opened_ = false;
  int other_failures_ = 0;
  struct InDoubt {
    int64_t token = 0;
    size_t call_events = 0;
    std::string position;
    std::vector<Event> dead;
    uint64_t rows = 0;
  };
  std::optional<InDoubt> in_doubt_;
  size_t skip_next_ = 0;
  int64_t accepted_ = 0;      // events taken by write() so far, across restarts (state "seq")
  int64_t replay_until_ = 0;  // seq the target holds beyond the engine checkpoint (0 = none)
  std::string replay_id_;     // event_id of the event at replay_until_
  std::string lineage_;       // random id of this checkpoint lineage (kept in the state)
  std::vector<Event> held_;   // possible replays, until the event at replay_until_ arrives
  // A restart with no engine checkpoint (a fresh lineage) that finds the output of an earlier
  // lineage which never acknowledged a barrier: that run's rows are covered by no checkpoint
  // and the new run derives everything again, so its tables are cleared (a truncate) in the
  // new lineage's first flush (docs/ods.md "A restart with no checkpoint").
  std::vector<std::string> takeover_tables_;
  Event takeover_event_;                     // the synthetic truncate of those tables
  std::vector<std::string> lineage_tables_;  // tables this lineage wrote (stored in the row)
  bool tables_dirty_ = false;                // lineage_tables_ grew since the last commit
  bool acked_ = false;                       // this lineage acknowledged a barrier
  Stats stats_;
};

}  // namespace sluice::operators::postgres
