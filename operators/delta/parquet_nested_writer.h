// Writes a Parquet file with nested columns into memory (sink delta's log checkpoints): records
// of Values shredded into the leaf columns of a ParquetNestedSchema (ParquetNestedShredder),
// row groups of data pages v1 (repetition and definition levels, PLAIN values) compressed with
// zstd or not, and the footer (ParquetNestedFooter). It reuses the flat writer's compressor,
// Thrift writer and chunk metadata; the flat path (ParquetWriter) is not involved.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/value.h"
#include "operators/delta/parquet_chunk_meta.h"
#include "operators/delta/parquet_column.h"
#include "operators/delta/parquet_compressor.h"
#include "operators/delta/parquet_nested_column_writer.h"
#include "operators/delta/parquet_nested_schema.h"
#include "operators/delta/parquet_nested_shredder.h"
#include "operators/delta/parquet_thrift.h"

namespace sluice::operators::delta {

class ParquetNestedWriter {
 public:
  // ParquetOptions: row_group_rows, page_bytes, zstd and its level.
  explicit ParquetNestedWriter(ParquetNestedSchema schema, ParquetOptions options = {});
  ParquetNestedWriter(const ParquetNestedWriter&) = delete;
  ParquetNestedWriter& operator=(const ParquetNestedWriter&) = delete;

  // One record: row[i] is the value of the root's field i (ParquetNestedShredder says how
  // Values map to the schema). A record that does not fit: errc type_mismatch naming the
  // field, and nothing of it is kept.
  result<void> append(const std::vector<Value>& row);
  // The whole file ("PAR1", the row groups, the footer, its length, "PAR1"); the writer is
  // then done. errc io when zstd or Thrift fail (then, or in an earlier append()).
  result<std::string> finish();

  int64_t rows() const { return rows_; }

 private:
  void flush_row_group();

  std::unique_ptr<ParquetNestedSchema> schema_;  // on the heap: the shredder refers to it
  ParquetOptions options_;
  std::unique_ptr<ParquetCompressor> compressor_;
  std::unique_ptr<ParquetThrift> thrift_;
  std::vector<ParquetNestedColumnWriter> columns_;
  ParquetNestedShredder shredder_;
  std::vector<ParquetNestedTriple> triples_;
  std::string out_;
  std::vector<ParquetRowGroupMeta> row_groups_;
  int64_t rows_ = 0;
  int64_t group_rows_ = 0;
  bool done_ = false;  // finished, or a row half written (zstd, Thrift): no more
};

}  // namespace sluice::operators::delta
