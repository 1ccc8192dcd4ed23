// One connection of the postgres sink (option `connections`, docs/ods.md "Parallel
// connections"): its libpqxx connection, its staging tables (TableWriter) and its row in
// sluice_checkpoints (stage NAME for slot 0, NAME~i for slot i). run() applies a list of
// WriteGroups and the checkpoint row(s) in ONE transaction; a conversion/constraint error
// makes it redo the groups in savepoints, halving failing ranges until single bad records are
// left (dead-lettered, the rest commits). run() never throws and changes nothing shared but
// the groups it is given, so several slots run at once on separate threads.
#pragma once
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "operators/postgres/batch_planner.h"
#include "operators/postgres/checkpoint_table.h"
#include "operators/postgres/pg_failure.h"
#include "operators/postgres/sink_options.h"
#include "operators/postgres/table_writer.h"
#include "operators/postgres/write_group.h"
#include "operators/postgres/written_ids.h"

namespace sluice::operators::postgres {

class SinkSlot {
 public:
  SinkSlot(const SinkOptions& opts, size_t index);
  ~SinkSlot();

  // The stage of slot `index`'s sluice_checkpoints row: "NAME" for slot 0, "NAME~i" after.
  static std::string stage_name(const std::string& stage, size_t index);
  size_t index() const { return index_; }
  CheckpointTable& checkpoint_row() { return ckpt_; }
  // Opens the connection (session settings included) when it is not open.
  std::optional<PgFailure> connect();
  pqxx::connection& connection() { return *conn_; }
  // After a failure: the connection and its staging tables are gone.
  void drop();

  // What the transaction writes besides the rows.
  struct Commit {
    std::string position;  // "" = NULL
    int64_t token = 0;     // updated_at: identifies this commit if its outcome is unknown
    int64_t seq = 0;
    std::string event_id;
    const WrittenTables* tables = nullptr;  // null keeps the stored lists
    bool acked = false;
    std::vector<CheckpointTable*> rows;  // this slot's row, or every slot's (serial flush)
    // Append mode: the identities of the events this transaction writes (written_ids.h).
    const WrittenIds* written = nullptr;
    std::string lineage;
    uint64_t ckpt = 0;
    std::vector<uint64_t> ids;
    // The previous attempt failed with an unexpected SQL error (not a connection, data or
    // constraint error) although the catalog was refreshed: isolate the failing records by
    // splitting like data errors, and dead-letter them with their SQLSTATE (e.g. 54000).
    bool split_any = false;
  };
  struct Outcome {
    bool committed = false;
    std::optional<PgFailure> failure;  // set when not committed
    const char* what = "";             // "cannot connect", "write failed", "commit failed"
    bool in_doubt = false;             // the commit's outcome is unknown
    std::vector<Event> dead;
    std::optional<PgFailure> refusal;  // why the first of `dead` could not be written
    uint64_t rows = 0;                 // applied
    uint64_t split_attempts = 0;
    uint64_t direct_copies = 0;
    uint64_t binary_copies = 0;           // COPYs sent in binary (this run, committed or not)
    std::vector<TableInfo*> copy_unsafe;  // a direct COPY into it failed: go by staging
  };
  Outcome run(std::vector<WriteGroup>& groups, const Commit& c, const BatchPlanner& planner);

 private:
  Outcome attempt(std::vector<WriteGroup>& groups, const Commit& c, const BatchPlanner& planner);
  void apply_range(pqxx::transaction_base& tx, const WriteGroup& g, size_t lo, size_t hi,
                   const BatchPlanner& planner, Outcome& out);
  void commit(pqxx::transaction_base& tx, std::vector<WriteGroup>& groups, const Commit& c,
              Outcome& out);
  Outcome failed(Outcome out, const std::exception& e, const char* what);
  // SinkOptions::dead_letters_fail: the transaction rolls back; the failure names the record.
  Outcome refused(Outcome out);

  const SinkOptions& opts_;
  size_t index_;
  std::unique_ptr<pqxx::connection> conn_;
  TableWriter writer_;
  CheckpointTable ckpt_;
  bool split_any_ = false;  // of the attempt running
  // True when `f` is split down to single records (data errors; any SQL error with split_any).
  bool splits(const PgFailure& f) const;
};

}  // namespace sluice::operators::postgres
