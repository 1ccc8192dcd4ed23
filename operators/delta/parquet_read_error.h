// What the parts of ParquetReader and ParquetNestedReader throw when a file is not one they can
// read (corrupt, truncated or written with features sink delta never uses), and the one place
// where a throw becomes errc io: parquet_read_guarded.
#pragma once
#include <cstddef>
#include <exception>
#include <limits>
#include <stdexcept>
#include <string>

#include "base/result.h"

namespace sluice::operators::delta {

class ParquetReadError : public std::runtime_error {
 public:
  explicit ParquetReadError(const std::string& what) : std::runtime_error(what) {}
};

// The row group of no step: reading the footer.
inline constexpr size_t kParquetNoRowGroup = std::numeric_limits<size_t>::max();

// errc io: "parquet: NAME: row group G: WHAT" (no name for bytes of no file; no row group for
// kParquetNoRowGroup).
error parquet_read_failed(const std::string& name, size_t row_group, const char* what);

// Runs a step of reading file `name` (row group `row_group`) that throws on what it cannot read
// (ParquetReadError, Thrift's exceptions): a throw becomes parquet_read_failed.
template <class Step>
result<void> parquet_read_guarded(const std::string& name, size_t row_group, Step&& step) {
  try {
    step();
  } catch (const std::exception& e) {
    return parquet_read_failed(name, row_group, e.what());
  }
  return {};
}

}  // namespace sluice::operators::delta
