#include "operators/delta/parquet_format.h"

#include "base/enum_names.h"

namespace sluice::operators::delta::parquet {

int decimal_bytes(int precision) {
  // 10^precision - 1 must fit the signed range of 8n bits: the smallest such n.
  __int128 max = 1;
  for (int i = 0; i < precision; ++i) max *= 10;
  max -= 1;
  for (int n = 1; n < 16; ++n) {
    if (max <= (static_cast<__int128>(1) << (8 * n - 1)) - 1) return n;
  }
  return 16;
}

PhysicalType physical_type(const ColumnSchema& c) {
  switch (c.type) {
    case ColumnType::Bool:
      return PhysicalType::BOOLEAN;
    case ColumnType::Int32:
    case ColumnType::Date:
      return PhysicalType::INT32;
    case ColumnType::Int64:
    case ColumnType::Timestamp:
      return PhysicalType::INT64;
    case ColumnType::Double:
      return PhysicalType::DOUBLE;
    case ColumnType::String:
    case ColumnType::Binary:
      return PhysicalType::BYTE_ARRAY;
    case ColumnType::Decimal:
      if (c.precision <= 9) return PhysicalType::INT32;
      if (c.precision <= 18) return PhysicalType::INT64;
      return PhysicalType::FIXED_LEN_BYTE_ARRAY;
  }
  return PhysicalType::BYTE_ARRAY;
}

int type_length(const ColumnSchema& c) {
  return physical_type(c) == PhysicalType::FIXED_LEN_BYTE_ARRAY ? decimal_bytes(c.precision) : 0;
}

const char* column_type_name(ColumnType t) {
  static constexpr const char* kNames[] = {"bool",   "int32",   "int64", "double",   "string",
                                           "binary", "decimal", "date",  "timestamp"};
  static_assert(std::size(kNames) == enum_count(ColumnType::Timestamp));
  return enum_name(t, kNames, "?");
}

}  // namespace sluice::operators::delta::parquet
