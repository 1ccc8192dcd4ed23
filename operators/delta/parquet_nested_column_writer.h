// One leaf column of a nested Parquet file being written (ParquetNestedWriter): takes the
// column's (repetition level, definition level, value) triples, encodes them into data pages
// (v1: repetition levels, definition levels, PLAIN values) in reused buffers, cuts a page at
// about page_bytes at a record's start, compresses it and keeps the column chunk until the row
// group is written. Throws on a zstd or Thrift failure. No statistics (nested columns).
#pragma once
#include <cstdint>
#include <string>

#include "base/value.h"
#include "operators/delta/parquet_chunk_meta.h"
#include "operators/delta/parquet_column_writer.h"
#include "operators/delta/parquet_compressor.h"
#include "operators/delta/parquet_nested_levels.h"
#include "operators/delta/parquet_nested_schema.h"
#include "operators/delta/parquet_plain_values.h"
#include "operators/delta/parquet_thrift.h"

namespace sluice::operators::delta {

class ParquetNestedColumnWriter {
 public:
  ParquetNestedColumnWriter(const ParquetNestedLeaf& leaf, int64_t page_bytes,
                            ParquetCompressor* compressor, ParquetThrift* thrift);

  // One triple; v is the value when def is the column's maximum (of the leaf's type, checked
  // by the caller), else ignored.
  void push(int rep, int def, const Value* v);
  int64_t estimated_bytes() const;
  // Cuts the last page; the chunk's metadata (data_page_offset left 0) and chunk() are then
  // complete.
  ParquetChunkMeta finish_chunk();
  const std::string& chunk() const { return pages_.chunk(); }
  void clear_chunk();  // after the chunk is written: a new row group starts

 private:
  void encode_value(const Value& v);
  void cut_page();

  parquet::PhysicalType physical_;
  int max_def_;
  int max_rep_;
  int64_t page_bytes_;
  // The open page.
  ParquetNestedLevels reps_;
  ParquetNestedLevels defs_;
  ParquetPlainValues values_;
  int64_t page_values_ = 0;  // levels: values and nulls
  ParquetPageChunk pages_;   // the open row group's chunk
};

}  // namespace sluice::operators::delta
