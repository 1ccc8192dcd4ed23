#include "operators/delta/parquet_nested_levels.h"

namespace sluice::operators::delta {

ParquetNestedLevels::ParquetNestedLevels(int max_level)
    : width_(parquet_level_bit_width(max_level)) {}

void ParquetNestedLevels::encode(std::string& out) const {
  parquet_encode_levels(levels_, width_, false, out);
}

}  // namespace sluice::operators::delta
