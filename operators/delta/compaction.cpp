#include "operators/delta/compaction.h"

#include "base/json.h"
#include "operators/delta/delta_table.h"
#include "operators/delta/errc.h"
#include "operators/delta/json_fields.h"
#include "operators/delta/table_file_rows.h"

namespace sluice::operators::delta {

int64_t rows_of(const AddFile& f) {
  if (f.rows > 0) return f.rows;
  auto stats = json::parse(f.stats);
  if (!stats.ok()) return -1;
  return json_int(stats.value(), "numRecords", -1);
}

std::vector<AddFile> Compaction::due(const std::set<std::string>& skip) const {
  std::vector<AddFile> small;
  if (min_files_ <= 0) return small;
  const int64_t limit = table_.settings().file_rows / 2;
  for (const auto& [path, f] : table_.live()) {
    const int64_t rows = rows_of(f);
    if (skip.count(path) == 0 && rows >= 0 && rows < limit) small.push_back(f);
  }
  if (static_cast<int64_t>(small.size()) < min_files_) small.clear();
  return small;
}

result<void> Compaction::run(const std::vector<AddFile>& files, std::vector<RemoveFile>& removes) {
  for (const AddFile& f : files) {
    auto r = for_each_file_row(table_, f, [&](std::vector<Value>& cells) -> result<void> {
      return table_.write_cells(cells);
    });
    if (!r) return r;
    removes.push_back(RemoveFile{f.path, f.size, false});
  }
  return {};
}

}  // namespace sluice::operators::delta
