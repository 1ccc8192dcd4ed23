#include "operators/delta/parquet_read_nested_footer.h"

#include "operators/delta/parquet_read_error.h"
#include "operators/delta/parquet_read_nested_schema.h"

namespace sluice::operators::delta {

ParquetReadNestedMeta ParquetReadNestedFooter::parse(std::string_view footer, int64_t pages_end) {
  ParquetReadNestedFooter f(footer, pages_end);
  f.read(f.meta_.num_rows, f.meta_.row_groups);
  return std::move(f.meta_);
}

void ParquetReadNestedFooter::schema(TType type) {
  meta_.schema = ParquetReadNestedSchema::read(in_, type);
}

void ParquetReadNestedFooter::columns(TType type, size_t /*g*/, ParquetReadRowGroup& /*rg*/) {
  uint32_t n = in_.list(type, TType::T_STRUCT, "RowGroup.columns");
  raw_.clear();
  for (uint32_t i = 0; i < n; ++i) raw_.push_back(column_chunk(false));
}

void ParquetReadNestedFooter::end_row_group(size_t g, ParquetReadRowGroup& rg) {
  const auto& leaves = meta_.schema.leaves();
  const std::string name = "row group " + std::to_string(g);
  if (rg.num_rows < 0) throw ParquetReadError(name + " has no number of rows");
  if (raw_.size() != leaves.size()) {
    throw ParquetReadError(name + " has " + std::to_string(raw_.size()) + " column chunks for " +
                           std::to_string(leaves.size()) + " leaf columns");
  }
  for (size_t i = 0; i < raw_.size(); ++i) {
    try {
      rg.columns.push_back(check_chunk(raw_[i], leaves[i].physical, raw_[i].path == leaves[i].path,
                                       "path_in_schema is not the leaf's path", rg.num_rows));
    } catch (const ParquetReadError& e) {
      throw ParquetReadError(std::string(e.what()) + " in column '" + leaves[i].dotted() + "' of " +
                             name);
    }
  }
  raw_.clear();  // the next row group's start empty
}

}  // namespace sluice::operators::delta
