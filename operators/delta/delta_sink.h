// Sink `delta` (docs/delta.md): change events into Delta Lake tables in local directories,
// one table per distinct value of `path`.
//
// Exactly once, in two phases: checkpoint(id) closes every data file being written (synced)
// and returns, as the state, the commits it owes (the files of each table); once the engine
// has written checkpoint id, checkpoint_committed(id) writes each table's next log version
// with those adds and a `txn` action {appId: sluice/PIPELINE/STAGE, version: id}. open(state)
// completes the commits of the state it restarts from, skipping a table whose log already has
// a txn of that version or later. Files written after the last recorded checkpoint are never
// referenced by the log (the sources replay their events).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/operator.h"
#include "operators/delta/delta_options.h"
#include "operators/delta/delta_table.h"
#include "operators/delta/pending_commit.h"
#include "operators/delta/s3_client.h"

namespace sluice::operators::delta {

class DeltaSink : public Sink {
 public:
  explicit DeltaSink(DeltaOptions opts);
  ~DeltaSink() override;
  static result<std::unique_ptr<Sink>> make(const StageConfig& cfg);

  result<void> open(const std::string& state) override;
  result<void> write(std::vector<Event>& events, std::vector<Event>& dead) override;
  result<std::string> checkpoint(uint64_t id) override;
  void checkpoint_committed(uint64_t id) override;
  void report_stats(OperatorStats& out) const override;
  void close() override;

 private:
  result<DeltaTable*> table_for(const Event& e);
  // The store of a table location: a local directory, or s3://bucket/prefix.
  result<std::shared_ptr<TableStore>> store_for(const std::string& location);
  result<std::string> path_of(const Event& e) const;
  // Writes the log commits of every pending checkpoint up to committed_up_to_.
  result<void> commit_due();
  result<void> commit_table(const TableCommit& t, uint64_t id);
  void dead_letter(Event& e, const error& err, std::vector<Event>& dead) const;

  DeltaOptions opts_;
  TableSettings settings_;
  std::map<std::string, std::unique_ptr<DeltaTable>> tables_;  // by location
  std::shared_ptr<S3Client> s3_;                               // made when a path is s3://
  DeltaTable* constant_table_ = nullptr;  // the one table of a constant path, once open
  std::vector<PendingCommit> pending_;
  uint64_t committed_up_to_ = 0;  // the last checkpoint the engine wrote
  bool has_committed_ = false;
  int64_t rows_ = 0;
  int64_t files_ = 0;
  int64_t commits_ = 0;
};

}  // namespace sluice::operators::delta
