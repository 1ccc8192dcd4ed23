#include "operators/delta/parquet_read_error.h"

#include "operators/delta/errc.h"

namespace sluice::operators::delta {

error parquet_read_failed(const std::string& name, size_t row_group, const char* what) {
  std::string text = "parquet: ";
  if (!name.empty()) text += name + ": ";
  if (row_group != kParquetNoRowGroup) text += "row group " + std::to_string(row_group) + ": ";
  return error::fatal(errc::io, text + what);
}

}  // namespace sluice::operators::delta
