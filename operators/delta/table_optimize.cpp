#include "operators/delta/table_optimize.h"

#include <random>

#include "operators/delta/compaction.h"
#include "operators/delta/delta_table.h"
#include "operators/delta/errc.h"

namespace sluice::operators::delta {

result<OptimizeOutcome> optimize_table(const std::string& dir, int64_t file_rows,
                                       int64_t min_files) {
  TableSettings settings;
  settings.file_rows = file_rows;
  settings.optimize_files = min_files;
  std::random_device rd;
  settings.file_prefix = "part-opt" + std::to_string(rd());
  DeltaTable table(dir, settings);
  if (auto r = table.open(); !r) return r.err();
  if (table.log().version() < 0) {
    return error::permanent(errc::log, dir + " is not a Delta table (no _delta_log)");
  }
  auto c = table.prepare_commit();  // nothing staged: only the compaction, when due
  if (!c.ok()) return c.err();
  OptimizeOutcome out;
  if (c->removes.empty()) return out;
  for (const AddFile& a : c->adds) out.rows += rows_of(a);
  out.files_removed = static_cast<int64_t>(c->removes.size());
  out.files_added = static_cast<int64_t>(c->adds.size());
  CommitSpec spec;
  spec.schema = c->schema;
  spec.adds = std::move(c->adds);
  spec.removes = std::move(c->removes);
  spec.operation = "OPTIMIZE";
  auto v = table.log().commit(spec);
  if (!v.ok()) return v.err();
  out.version = v.value();
  return out;
}

}  // namespace sluice::operators::delta
