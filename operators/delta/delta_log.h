// The transaction log of one Delta Lake table (`_delta_log/NNNNNNNNNNNNNNNNNNNN.json`, Delta
// protocol reader version 1, writer version 2): what a writer needs from it (the latest
// version, the table's schema, the last version each application committed with a `txn`
// action) and the atomic write of the next commit.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "operators/delta/parquet_column.h"

namespace sluice::operators::delta {

// A data file of a commit: its `add` action.
struct AddFile {
  std::string path;  // relative to the table's directory
  int64_t size = 0;
  int64_t modification_time = 0;  // millis
  int64_t rows = 0;
  std::string stats;  // the `stats` JSON text: numRecords, minValues, maxValues, nullCount
};

// What one commit writes: a metaData action when `schema` differs from the table's (or the
// table is new, then with the protocol action), the adds, a `txn` action (app_id, version)
// and commitInfo.
struct CommitSpec {
  std::vector<ColumnSchema> schema;
  std::vector<AddFile> adds;
  std::string app_id;
  int64_t txn_version = -1;  // -1: no txn action
  std::string operation = "WRITE";
};

class DeltaLog {
 public:
  explicit DeltaLog(std::string table_dir) : dir_(std::move(table_dir)) {}

  // Reads every commit of the log in order. A missing log is a new table (version -1).
  result<void> load();
  // Writes commit version()+1 (put-if-absent: a commit of that version written meanwhile by
  // another writer is an error, nothing is overwritten) and applies it to this view.
  result<int64_t> commit(const CommitSpec& c);

  int64_t version() const { return version_; }
  const std::string& dir() const { return dir_; }
  const std::vector<ColumnSchema>& schema() const { return schema_; }
  // The version of the last `txn` action of app_id; -1 when it never committed.
  int64_t txn_version(const std::string& app_id) const;
  // "00000000000000000003.json" as a path below dir().
  std::string commit_path(int64_t version) const;

 private:
  result<void> apply_line(const std::string& line, const std::string& file);
  result<void> apply_commit(int64_t version);
  std::string actions_of(const CommitSpec& c, int64_t version) const;

  std::string dir_;
  int64_t version_ = -1;
  std::vector<ColumnSchema> schema_;
  std::string table_id_;
  std::map<std::string, int64_t> txn_;
};

}  // namespace sluice::operators::delta
