// Small-file compaction of a Delta table (`optimize`): when the table holds at least
// `min_files` files with fewer than half of `file_rows` rows each, their rows are written
// again as full files; the commit removes the small files and adds the new ones, both with
// dataChange = false (readers of the table's changes skip them).
#pragma once
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "operators/delta/delta_log.h"

namespace sluice::operators::delta {

class DeltaTable;

class Compaction {
 public:
  Compaction(DeltaTable& table, int64_t min_files) : table_(table), min_files_(min_files) {}
  // The small files to compact (none: not due); `skip`: files not to touch (added by the
  // commit being prepared).
  std::vector<AddFile> due(const std::set<std::string>& skip) const;
  // Writes their rows through the table (its sealed files, to be taken with data_change
  // false) and appends their removes.
  result<void> run(const std::vector<AddFile>& files, std::vector<RemoveFile>& removes);

 private:
  DeltaTable& table_;
  int64_t min_files_;
};

// Rows of a file's stats (`numRecords`); -1 when not known.
int64_t rows_of(const AddFile& f);

}  // namespace sluice::operators::delta
