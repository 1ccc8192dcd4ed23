// Reads one column of a Parquet file, chunk by chunk (one per row group), value by value: the
// pages' headers, their bodies (zstd or uncompressed), definition levels of nullable columns,
// PLAIN values made into the Values that ParquetWriter takes for the column. Every length and
// offset is checked against the chunk; a corrupt page throws ParquetReadError.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "base/value.h"
#include "operators/delta/parquet_column.h"
#include "operators/delta/parquet_read_decompressor.h"
#include "operators/delta/parquet_read_levels.h"
#include "operators/delta/parquet_read_meta.h"
#include "operators/delta/parquet_read_pages.h"

namespace sluice::operators::delta {

class ParquetReadColumn {
 public:
  ParquetReadColumn(const ColumnSchema& column, ParquetReadDecompressor* zstd);

  // Starts the column's chunk of a row group: its bytes (a view into the file, valid while the
  // chunk is read) as the footer describes them.
  void start(std::string_view chunk, const ParquetReadChunk& meta);
  // The next value: Null for a null, else a Value of the column's type (out's own string is
  // reused when it has one).
  void next(Value& out) {
    if (page_left_ == 0) load_page();
    --page_left_;
    if (nullable_ && !levels_.next()) {
      out = Value();
      return;
    }
    decode(out);
  }
  // After the chunk's last value: throws unless every page and byte of the chunk was read.
  void finish() const;

 private:
  enum class Decoder : uint8_t {
    Bool,
    Int32,
    Int64,
    Double,
    String,
    Binary,
    Dec32,
    Dec64,
    DecFixed,
    Date,
    Timestamp
  };
  static Decoder decoder_of(const ColumnSchema& c);
  void load_page();
  void start_values(std::string_view values, int64_t defined);
  void check_page_end() const;
  void decode(Value& out);
  template <class T>
  T load() {
    T v;
    std::memcpy(&v, values_, sizeof(T));
    values_ += sizeof(T);
    return v;
  }
  void byte_array(Type type, Value& out);
  Value decimal(int128 unscaled) const;
  int128 fixed_unscaled();
  [[noreturn]] void fail(const std::string& what) const;

  std::string name_;
  bool nullable_;
  Decoder decoder_;
  int width_;  // the bytes of a value; 0 for Bool and byte arrays
  int scale_;
  int precision_;
  int128 limit_ = 0;  // Decimal: 10^precision - 1
  ParquetReadPages pages_;
  int64_t page_left_ = 0;  // the open page's values (levels) not yet read
  ParquetReadLevels levels_;
  const char* values_ = nullptr;  // the open page's next value
  const char* values_end_ = nullptr;
  int64_t bool_index_ = 0;  // Bool: the next value's bit in values_
};

}  // namespace sluice::operators::delta
