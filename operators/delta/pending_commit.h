// The Delta commits a checkpoint owes: the files each table's commit adds and the schema it
// writes. A checkpoint's state holds the ones not yet in the log, so that a restart from it
// completes them (two-phase: files are durable at checkpoint(), the commit follows
// checkpoint_committed()).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "operators/delta/delta_log.h"
#include "operators/delta/parquet_column.h"

namespace sluice::operators::delta {

struct TableCommit {
  std::string dir;
  std::vector<ColumnSchema> schema;
  std::vector<AddFile> adds;
  std::vector<RemoveFile> removes;
};

struct PendingCommit {
  uint64_t id = 0;  // the checkpoint: the commits' txn version
  std::vector<TableCommit> tables;
};

std::string encode_pending(const std::vector<PendingCommit>& pending);
result<std::vector<PendingCommit>> decode_pending(const std::string& state);

}  // namespace sluice::operators::delta
