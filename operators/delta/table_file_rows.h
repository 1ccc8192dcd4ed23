// Reading a data file of a Delta table back as rows in the table's column order (a file
// written before a column was added has fewer columns: the rest are null). Shared by the
// upsert merge and compaction.
#pragma once
#include <functional>
#include <vector>

#include "base/result.h"
#include "base/value.h"
#include "operators/delta/delta_log.h"

namespace sluice::operators::delta {

class DeltaTable;

result<void> for_each_file_row(const DeltaTable& table, const AddFile& file,
                               const std::function<result<void>(std::vector<Value>& cells)>& f);

}  // namespace sluice::operators::delta
