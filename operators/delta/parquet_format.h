// The numbers of the Parquet format (parquet.thrift) that the writers and readers use, and how a
// column of sink delta is stored: its physical type, type length and logical type.
#pragma once
#include <cstdint>
#include <type_traits>

#include "operators/delta/parquet_column.h"

namespace sluice::operators::delta::parquet {

enum class PhysicalType : int32_t {
  BOOLEAN = 0,
  INT32 = 1,
  INT64 = 2,
  INT96 = 3,  // read, never written
  FLOAT = 4,  // read, never written
  DOUBLE = 5,
  BYTE_ARRAY = 6,
  FIXED_LEN_BYTE_ARRAY = 7,
};
enum class ConvertedType : int32_t {
  UTF8 = 0,
  MAP = 1,
  MAP_KEY_VALUE = 2,
  LIST = 3,
  ENUM = 4,
  DECIMAL = 5,
  DATE = 6,
  TIMESTAMP_MICROS = 10,
  JSON = 19
};
enum class Repetition : int32_t { REQUIRED = 0, OPTIONAL = 1 };
enum class Encoding : int32_t { PLAIN = 0, RLE = 3 };
enum class Codec : int32_t { UNCOMPRESSED = 0, ZSTD = 6 };
enum class PageType : int32_t { DATA_PAGE = 0 };
// The fields of union LogicalType used here.
enum class LogicalField : int16_t {
  STRING = 1,
  MAP = 2,
  LIST = 3,
  ENUM = 4,
  DECIMAL = 5,
  DATE = 6,
  TIMESTAMP = 8,
  INTEGER = 10,
  JSON = 12
};

// An enumerator's number, as Thrift reads and writes it.
template <class E>
constexpr auto code(E e) {
  return static_cast<std::underlying_type_t<E>>(e);
}

inline constexpr char kMagic[] = "PAR1";
inline constexpr int kMagicSize = 4;

// The bytes of a FIXED_LEN_BYTE_ARRAY that hold every unscaled value of `precision` digits.
int decimal_bytes(int precision);

PhysicalType physical_type(const ColumnSchema& c);
// FIXED_LEN_BYTE_ARRAY's length; 0 for the other types.
int type_length(const ColumnSchema& c);

// "bool", "int32", "int64", "double", "string", "binary", "decimal", "date", "timestamp".
const char* column_type_name(ColumnType t);

}  // namespace sluice::operators::delta::parquet
