// Reads a Parquet file with nested columns held in memory (sink delta reads its log
// checkpoints with it): the footer's schema tree (ParquetReadNestedFooter), then every record,
// assembled from its leaf columns (ParquetReadNestedColumn, ParquetReadNestedAssembler) as an
// Object of the root's fields. What it reads: DATA_PAGE v1, PLAIN values, RLE levels,
// uncompressed or zstd, 3-level MAP and LIST groups. Anything else (dictionary pages, snappy,
// data pages v2, ...) and any corrupt or truncated file is an errc io error that says what is
// wrong, never a crash.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/value.h"
#include "operators/delta/parquet_nested_schema.h"
#include "operators/delta/parquet_read_decompressor.h"
#include "operators/delta/parquet_read_nested_column.h"
#include "operators/delta/parquet_read_nested_footer.h"

namespace sluice::operators::delta {

class ParquetNestedReader {
 public:
  ParquetNestedReader();
  ~ParquetNestedReader();
  ParquetNestedReader(const ParquetNestedReader&) = delete;
  ParquetNestedReader& operator=(const ParquetNestedReader&) = delete;

  // Parses the footer of the file's bytes (kept by the reader); name: for messages. Errors:
  // errc io, fatal, naming what is wrong; the reader is then empty.
  result<void> open(std::string bytes, std::string name = "");

  const ParquetNestedSchema& schema() const { return meta_.schema; }
  int64_t rows() const { return meta_.num_rows; }

  // Decodes every record in file order and calls f with it (an Object of the root's fields,
  // which f may move from). Stops at the first error: f's as it is, or the file's (errc io,
  // fatal).
  result<void> read_rows(const std::function<result<void>(Object& row)>& f);

 private:
  void parse();
  result<void> read_row_group(size_t g, const std::function<result<void>(Object& row)>& f);

  std::string name_;
  std::string bytes_;
  bool open_ = false;
  ParquetReadNestedMeta meta_;
  std::unique_ptr<ParquetReadDecompressor> zstd_;
  std::vector<ParquetReadNestedColumn> columns_;
};

}  // namespace sluice::operators::delta
