// Reads a Parquet file that ParquetWriter wrote (sink delta rewrites files with it: copy-on-write
// upserts, compaction): the footer's schema as ColumnSchemas, then every row as Values of the
// types the writer takes. Only what the writer writes is read — flat schemas, DATA_PAGE v1,
// PLAIN values, RLE definition levels, uncompressed or zstd; anything else, and any corrupt or
// truncated file, is an errc io error that says what is wrong, never a crash.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/value.h"
#include "operators/delta/parquet_column.h"
#include "operators/delta/parquet_read_column.h"
#include "operators/delta/parquet_read_decompressor.h"
#include "operators/delta/parquet_read_meta.h"

namespace sluice::operators::delta {

class ParquetReader {
 public:
  ParquetReader();
  ~ParquetReader();
  ParquetReader(ParquetReader&&) noexcept;
  ParquetReader& operator=(ParquetReader&&) noexcept;

  // Parses the footer of a file held whole in memory (kept by the reader). Errors: errc io, fatal,
  // naming what is wrong ("not a Parquet file", "footer truncated", "unsupported encoding 8
  // (RLE_DICTIONARY) in column 'c' of row group 0", ...); the reader is then empty.
  result<void> open(std::string bytes);
  // Reads the whole file, then as open(); the messages name the path. A file that cannot be
  // read: errc io, transient.
  result<void> open_file(const std::string& path);

  // From the footer's schema: what the writer was given (type, precision, scale, nullable).
  const std::vector<ColumnSchema>& columns() const { return meta_.columns; }
  int64_t rows() const { return meta_.num_rows; }

  // Decodes every row in file order and calls f with it: row[i] is column i's value, Null for a
  // null, else Bool, Int (Int32, Int64), Float (Double), String, Bytes (Binary), Decimal (at the
  // column's scale), Date or Timestamp (micros, UTC). f may move from the values. Stops at the
  // first error: f's, returned as it is, or the file's (errc io, fatal). Can be called again.
  result<void> read_rows(const std::function<result<void>(std::vector<Value>& row)>& f);

 private:
  result<void> load(std::string bytes, std::string name);
  void parse();
  void start_row_group(size_t g);
  result<void> read_row(size_t g, std::vector<Value>& row);
  result<void> finish_row_group(size_t g);

  std::string name_;  // the path, for messages; empty for bytes from open()
  std::string bytes_;
  bool open_ = false;
  ParquetReadMeta meta_;
  // On the heap so that the column readers' pointer stays valid when the reader moves.
  std::unique_ptr<ParquetReadDecompressor> zstd_;
  std::vector<ParquetReadColumn> readers_;
};

}  // namespace sluice::operators::delta
