// The statistics of one column over a row group or a file, kept in the column's physical form
// while rows come (min, max, null count; NaNs never become a min or max): encoded for the
// Parquet footer and turned into a ColumnStats of Values for the Delta log.
#pragma once
#include <cstdint>
#include <string>

#include "operators/delta/parquet_cell.h"
#include "operators/delta/parquet_column.h"

namespace sluice::operators::delta {

class ParquetStats {
 public:
  explicit ParquetStats(const ColumnSchema& column);
  void add(const ParquetCell& cell);  // a value that is not null
  void add_null() { ++nulls_; }
  void merge(const ParquetStats& other);
  void reset();

  int64_t null_count() const { return nulls_; }
  // False when no value (other than null or NaN) came, and always for Binary.
  bool has_min_max() const { return any_; }
  // Min and max in PLAIN encoding (BYTE_ARRAY without its length), as Parquet's Statistics
  // min_value / max_value; only when has_min_max().
  void encode_min_max(std::string& min, std::string& max) const;
  ColumnStats to_column_stats() const;

 private:
  enum class Kind : uint8_t { Int, Double, Decimal, Bytes, None };
  void add_double(double d);
  void add_bytes(std::string_view s);
  void encode(bool is_min, std::string& out) const;
  Value to_value(bool is_min) const;

  ColumnSchema column_;
  Kind kind_;
  int decimal_bytes_ = 0;  // Decimal stored as FIXED_LEN_BYTE_ARRAY: its length
  bool any_ = false;
  int64_t nulls_ = 0;
  int64_t imin_ = 0, imax_ = 0;
  double dmin_ = 0, dmax_ = 0;
  __int128 umin_ = 0, umax_ = 0;
  std::string smin_, smax_;
};

}  // namespace sluice::operators::delta
