// Reads one leaf column of a nested Parquet file, one column chunk (a row group's) at a time:
// every page (DATA_PAGE v1: repetition levels, definition levels, PLAIN values; zstd or
// uncompressed) decoded whole into the chunk's levels and values, then taken triple by triple
// while ParquetNestedReader assembles the records. Values are as stored: BOOLEAN a Bool,
// INT32 / INT64 an Int, FLOAT / DOUBLE a Float, BYTE_ARRAY a String when annotated as text
// (else Bytes), INT96 and FIXED_LEN_BYTE_ARRAY Bytes. Throws ParquetReadError.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/value.h"
#include "operators/delta/parquet_nested_schema.h"
#include "operators/delta/parquet_read_column.h"
#include "operators/delta/parquet_read_decompressor.h"
#include "operators/delta/parquet_read_meta.h"
#include "operators/delta/parquet_read_pages.h"

namespace sluice::operators::delta {

class ParquetReadNestedColumn {
 public:
  ParquetReadNestedColumn(const ParquetNestedLeaf& leaf, ParquetReadDecompressor* zstd);

  // Decodes the column's chunk of a row group: its bytes (a view into the file) as the footer
  // describes them.
  void read_chunk(std::string_view chunk, const ParquetReadChunk& meta);

  bool has_next() const { return next_ < defs_.size(); }
  // The next triple's levels (has_next() first).
  uint16_t peek_rep() const { return max_rep_ > 0 ? reps_[next_] : 0; }
  uint16_t peek_def() const { return defs_[next_]; }
  // Takes the next triple: its value (Null below the maximum definition level). Throws when the
  // chunk has no more.
  void take(Value& out);
  // After the row group's last record: throws unless every triple was taken.
  void finish() const;
  const std::string& name() const { return name_; }

 private:
  void read_page();
  void read_values(std::string_view values, int64_t defined);
  void read_byte_arrays(std::string_view values, int64_t defined);
  [[noreturn]] void fail(const std::string& what) const;

  std::string name_;
  parquet::PhysicalType physical_;
  int32_t type_length_;
  bool utf8_;
  int max_def_;
  int max_rep_;
  ParquetReadPages pages_;
  // The chunk decoded.
  std::vector<uint16_t> reps_;
  std::vector<uint16_t> defs_;
  std::vector<Value> values_;
  size_t next_ = 0;        // the next triple
  size_t next_value_ = 0;  // its value, when defined
};

}  // namespace sluice::operators::delta
