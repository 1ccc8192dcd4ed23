// Applies an upsert table's staged changes copy-on-write: each live file that may hold a row
// the batch replaces or deletes (by the key's min/max statistics) is read; if it does, it is
// written again without those rows (its `remove`, the new file's `add`); the batch's own rows
// go to new files.
#pragma once
#include <vector>

#include "base/result.h"
#include "operators/delta/delta_log.h"
#include "operators/delta/upsert_batch.h"

namespace sluice::operators::delta {

class DeltaTable;

class UpsertMerge {
 public:
  UpsertMerge(DeltaTable& table, UpsertBatch& batch) : table_(table), batch_(batch) {}
  // Writes the new files through the table (sealed files of its next commit) and appends the
  // files they replace to `removes`.
  result<void> run(std::vector<RemoveFile>& removes);

  // Files read and files rewritten by the last run (for the sink's stats).
  int64_t files_read() const { return files_read_; }
  int64_t files_rewritten() const { return files_rewritten_; }

 private:
  bool may_hold(const AddFile& f) const;
  result<void> rewrite(const AddFile& f, std::vector<RemoveFile>& removes);

  DeltaTable& table_;
  UpsertBatch& batch_;
  int64_t files_read_ = 0;
  int64_t files_rewritten_ = 0;
};

}  // namespace sluice::operators::delta
