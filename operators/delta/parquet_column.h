// The columns of a Parquet file written by sink delta: their types (ColumnType, ColumnSchema),
// the statistics gathered over a file (ColumnStats) and the writer's options (ParquetOptions).
#pragma once
#include <cstdint>
#include <string>

#include "base/value.h"

namespace sluice::operators::delta {

enum class ColumnType : uint8_t {
  Bool,
  Int32,
  Int64,
  Double,
  String,
  Binary,
  Decimal,
  Date,
  Timestamp
};

struct ColumnSchema {
  std::string name;
  ColumnType type = ColumnType::String;
  int precision = 0;  // Decimal: 1..38
  int scale = 0;      // Decimal: 0..precision
  bool nullable = true;
};

// Over every row of the file. min and max are Values of the column's natural type (Bool, Int for
// Int32/Int64, Float, Decimal at the column's scale, String, Date, Timestamp); Null when every
// value is null, and always Null for Binary.
struct ColumnStats {
  int64_t null_count = 0;
  Value min, max;
};

struct ParquetOptions {
  int64_t row_group_rows = 131072;  // a row group is written when it holds this many rows
  int64_t page_bytes = 1 << 20;     // a data page is cut at about this many encoded bytes
  bool zstd = true;                 // pages compressed with zstd (libzstd); false: UNCOMPRESSED
  int zstd_level = 3;
};

}  // namespace sluice::operators::delta
