// The transaction log of one Delta Lake table (`_delta_log/NNNNNNNNNNNNNNNNNNNN.json`, Delta
// protocol reader version 1, writer version 2): what a writer needs from it (the latest
// version, the table's schema, the last version each application committed with a `txn`
// action) and the atomic write of the next commit.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
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

class DeltaLog {
 public:
  explicit DeltaLog(std::shared_ptr<TableStore> store) : store_(std::move(store)) {}
  // A table in a local directory.
  explicit DeltaLog(const std::string& table_dir);

  // Reads every commit of the log in order. A missing log is a new table (version -1).
  result<void> load();
  // Writes commit version()+1 (put-if-absent: a commit of that version written meanwhile by
  // another writer is an error, nothing is overwritten) and applies it to this view.
  result<int64_t> commit(const CommitSpec& c);

  int64_t version() const { return version_; }
  const std::string& dir() const { return store_->location(); }
  TableStore& store() { return *store_; }
  const std::vector<ColumnSchema>& schema() const { return schema_; }
  // The version of the last `txn` action of app_id; -1 when it never committed.
  int64_t txn_version(const std::string& app_id) const;
  // The data files of the table's current version (adds minus removes), by path.
  const std::map<std::string, AddFile>& live() const { return live_; }
  // "_delta_log/00000000000000000003.json": the commit's name below the table.
  std::string commit_path(int64_t version) const;

 private:
  result<void> apply_line(const std::string& line, const std::string& file);
  result<void> apply_commit(int64_t version);
  std::string actions_of(const CommitSpec& c, int64_t version) const;

  std::shared_ptr<TableStore> store_;
  int64_t version_ = -1;
  std::vector<ColumnSchema> schema_;
  std::string table_id_;
  std::map<std::string, int64_t> txn_;
  std::map<std::string, AddFile> live_;
};

}  // namespace sluice::operators::delta
