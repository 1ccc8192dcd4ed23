// The transaction log of one Delta Lake table (`_delta_log/NNNNNNNNNNNNNNNNNNNN.json`, Delta
// protocol reader version 1, writer version 2): what a writer needs from it (the latest
// version, the table's schema, the last version each application committed with a `txn`
// action) and the atomic write of the next commit. Every checkpoint_every commits it also
// writes a Parquet checkpoint of the table's state (DeltaCheckpointWriter), and a load starts
// from the newest checkpoint (DeltaCheckpointReader), then reads the commits after it.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/value.h"
#include "operators/delta/parquet_column.h"
#include "operators/delta/table_store.h"

namespace sluice::operators::delta {

// A data file of a commit: its `add` action.
struct AddFile {
  std::string path;  // relative to the table's directory
  int64_t size = 0;
  int64_t modification_time = 0;  // millis
  int64_t rows = 0;
  std::string stats;        // the `stats` JSON text: numRecords, minValues, maxValues, nullCount
  bool data_change = true;  // false: the file only holds rows moved by a compaction
};

// A data file a commit takes out of the table (its `remove` action).
struct RemoveFile {
  std::string path;
  int64_t size = 0;
  bool data_change = true;  // false: its rows moved to another file (compaction)
};

// What one commit writes: a metaData action when `schema` differs from the table's (or the
// table is new, then with the protocol action), the removes, the adds, a `txn` action
// (app_id, version) and commitInfo. An action's data_change false: it only moves rows
// (compaction), readers of the table's changes skip it.
struct CommitSpec {
  std::vector<ColumnSchema> schema;
  std::vector<AddFile> adds;
  std::vector<RemoveFile> removes;
  std::string app_id;
  int64_t txn_version = -1;  // -1: no txn action
  std::string operation = "WRITE";
};

// A file taken out of the table, kept until it expires (for VACUUM): what a checkpoint says of
// its `remove` action.
struct DeltaTombstone {
  int64_t deletion_timestamp = 0;  // millis; 0: unknown (expired)
  int64_t size = -1;               // -1: unknown
  bool data_change = true;
  bool extended = false;  // extendedFileMetadata: size and (empty) partitionValues are known
};

// The table's state at a version, as a checkpoint holds it: the protocol and metaData actions
// (their JSON objects), the last version of each txn appId, the live files and the tombstones
// by path.
struct DeltaLogState {
  Value protocol;
  Value metadata;
  std::map<std::string, int64_t> txn;
  std::map<std::string, AddFile> live;
  std::map<std::string, DeltaTombstone> tombstones;
};

class DeltaLog {
 public:
  explicit DeltaLog(std::shared_ptr<TableStore> store) : store_(std::move(store)) {}
  // A table in a local directory.
  explicit DeltaLog(const std::string& table_dir);

  // Reads the log: the newest checkpoint (`_last_checkpoint`, N.checkpoint.parquet) when there
  // is one, then every commit after it in order (commits before it may be gone). A missing log
  // is a new table (version -1). A checkpoint in a form this sink does not read (multi-part,
  // v2, a Parquet encoding or codec it does not decode) or a corrupt one: errc::log.
  result<void> load();
  // Writes commit version()+1 (put-if-absent: a commit of that version written meanwhile by
  // another writer is an error, nothing is overwritten) and applies it to this view. Then, when
  // the version is a multiple of checkpoint_every(), the checkpoint (write_checkpoint()); its
  // failure is logged as a warning, the commit stands.
  result<int64_t> commit(const CommitSpec& c);
  // Writes `_delta_log/<version()>.checkpoint.parquet` (once) and `_delta_log/_last_checkpoint`
  // (replaced): the table's state at version(). Tombstones older than 7 days are left out.
  result<void> write_checkpoint();
  // A checkpoint after each commit whose version is a multiple of n (> 0); 0: never. Default:
  // 10, as Delta's delta.checkpointInterval.
  void set_checkpoint_every(int64_t n) { checkpoint_every_ = n; }
  int64_t checkpoint_every() const { return checkpoint_every_; }
  // The version of the checkpoint the last load() started from; -1: it read every commit.
  int64_t loaded_checkpoint() const { return loaded_checkpoint_; }
  const DeltaLogState& state() const { return state_; }

  int64_t version() const { return version_; }
  const std::string& dir() const { return store_->location(); }
  TableStore& store() { return *store_; }
  const std::vector<ColumnSchema>& schema() const { return schema_; }
  // The version of the last `txn` action of app_id; -1 when it never committed.
  int64_t txn_version(const std::string& app_id) const;
  // The data files of the table's current version (adds minus removes), by path.
  const std::map<std::string, AddFile>& live() const { return state_.live; }
  // "_delta_log/00000000000000000003.json": the commit's name below the table.
  std::string commit_path(int64_t version) const;

 private:
  result<void> apply_line(const std::string& line, const std::string& file);
  // One action ({"add": {...}}, ...) of a commit or a checkpoint; `file` for messages.
  result<void> apply_action(Value& action, const std::string& file);
  result<void> apply_metadata(const Value& m, const std::string& file);
  result<void> apply_commit(int64_t version);
  result<void> load_checkpoint(int64_t version);
  // Drops the tombstones older than the retention (DeltaCheckpointWriter).
  void prune_tombstones();
  std::string actions_of(const CommitSpec& c, int64_t version) const;

  std::shared_ptr<TableStore> store_;
  int64_t version_ = -1;
  std::vector<ColumnSchema> schema_;
  std::string table_id_;
  DeltaLogState state_;
  int64_t checkpoint_every_ = 10;
  int64_t loaded_checkpoint_ = -1;
};

}  // namespace sluice::operators::delta
