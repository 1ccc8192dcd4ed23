// Writes one Parquet file of sink delta: rows of Values checked against a flat schema
// (ColumnSchema), row groups of PLAIN data pages (v1) compressed with zstd or not, definition
// levels for nullable columns, the footer with statistics; the file's statistics for the Delta
// log (stats()). Writing goes through a file descriptor and ends with fsync (close()).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/value.h"
#include "operators/delta/parquet_cell.h"
#include "operators/delta/parquet_chunk_meta.h"
#include "operators/delta/parquet_column.h"
#include "operators/delta/parquet_column_writer.h"
#include "operators/delta/parquet_compressor.h"
#include "operators/delta/parquet_file.h"
#include "operators/delta/parquet_thrift.h"
#include "operators/delta/parquet_value_converter.h"

namespace sluice::operators::delta {

class ParquetWriter {
 public:
  ParquetWriter(std::vector<ColumnSchema> columns, ParquetOptions options = {});
  ~ParquetWriter();  // closes an open fd without footer
  ParquetWriter(ParquetWriter&&) noexcept;
  ParquetWriter& operator=(ParquetWriter&&) noexcept;

  // Creates/truncates the file. The schema is checked here (errc type_mismatch: a Decimal's
  // precision outside 1..38 or its scale outside 0..precision, an empty or repeated name). A
  // writer can write one file after another: open() after close() starts anew.
  result<void> open(const std::string& path);
  // One row; row[i] is the value of column i (nullptr or a Null Value = null). On an error
  // (errc type_mismatch, decimal_overflow, null_in_required; the message names the column and
  // the value's type) nothing of the row is kept. errc io: the file cannot be written, and the
  // writer is done with it (open another).
  result<void> append(const std::vector<const Value*>& row);
  // Whether append() would take the row (the same checks and errors), without a file and
  // without keeping anything.
  result<void> check(const std::vector<const Value*>& row);
  // The last row group, the footer, fsync, close.
  result<void> close();

  int64_t rows() const { return rows_; }
  // File bytes written so far + the open row group's encoded estimate.
  int64_t bytes() const;
  const std::vector<ColumnSchema>& columns() const { return columns_; }
  // Over every row appended to the file so far.
  const std::vector<ColumnStats>& stats() const;

 private:
  result<void> check_schema() const;
  error value_error(size_t column, const Value* v, errc code) const;
  result<void> flush_row_group();
  result<void> write_footer();
  error io_failure(const std::string& what);

  std::vector<ColumnSchema> columns_;
  ParquetOptions options_;
  std::vector<ParquetValueConverter> converters_;
  std::vector<ParquetCell> cells_;
  // Shared by the column writers; on the heap so that they stay put when the writer moves.
  std::unique_ptr<ParquetCompressor> compressor_;
  std::unique_ptr<ParquetThrift> thrift_;
  std::vector<ParquetColumnWriter> writers_;
  ParquetFile file_;
  std::vector<ParquetRowGroupMeta> row_groups_;
  int64_t rows_ = 0;
  int64_t group_rows_ = 0;
  bool failed_ = false;  // an io error: no more writing to this file
  mutable std::vector<ColumnStats> stats_;
};

}  // namespace sluice::operators::delta
