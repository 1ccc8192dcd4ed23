// `sluice optimize DIR`: compacts the small files of a Delta table this sink wrote, outside a
// pipeline (one OPTIMIZE commit: removes and adds with dataChange false).
#pragma once
#include <cstdint>
#include <string>

#include "base/result.h"

namespace sluice::operators::delta {

struct OptimizeOutcome {
  int64_t files_removed = 0;
  int64_t files_added = 0;
  int64_t rows = 0;
  int64_t version = -1;  // the commit written; -1: nothing to compact
};

// Compacts the files of fewer than file_rows / 2 rows when there are at least min_files.
result<OptimizeOutcome> optimize_table(const std::string& dir, int64_t file_rows,
                                       int64_t min_files);

}  // namespace sluice::operators::delta
