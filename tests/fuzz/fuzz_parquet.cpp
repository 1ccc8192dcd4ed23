// Parquet files as the delta sink reads them back (operators/delta/parquet_reader.cpp
// ParquetReader: the footer through libthrift's compact protocol, page headers, definition
// levels, PLAIN values, zstd pages) — files of a table on disk or S3 that anyone could have
// changed. The input is a whole file; open() must refuse it or read_rows() must give rows whose
// values fit the columns, or an error. At most 100,000 rows are taken (a few bytes of run-length
// levels may describe 2^31 null rows: a long loop, not a fault). A crash, sanitizer report or
// exception is a failure.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "operators/delta/parquet_reader.h"

using sluice::operators::delta::ParquetReader;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ParquetReader reader;
  if (!reader.open(std::string(reinterpret_cast<const char*>(data), size)).ok()) return 0;
  const size_t columns = reader.columns().size();
  int64_t rows = 0;
  auto r = reader.read_rows([&](std::vector<sluice::Value>& row) -> sluice::result<void> {
    if (row.size() != columns) __builtin_trap();
    if (++rows >= 100000) return sluice::error::permanent("enough rows");
    return {};
  });
  (void)r;
  return 0;
}
