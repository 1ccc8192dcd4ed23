// Binlog column types (the numbers of enum_field_types) and what one column of a table is:
// the TABLE_MAP type and metadata plus what the optional metadata / information_schema add.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sluice::operators::mysql {

enum ColumnType : uint8_t {
  kDecimal = 0,
  kTiny = 1,
  kShort = 2,
  kLong = 3,
  kFloat = 4,
  kDouble = 5,
  kNull = 6,
  kTimestamp = 7,
  kLongLong = 8,
  kInt24 = 9,
  kDate = 10,
  kTime = 11,
  kDateTime = 12,
  kYear = 13,
  kNewDate = 14,
  kVarchar = 15,
  kBit = 16,
  kTimestamp2 = 17,
  kDateTime2 = 18,
  kTime2 = 19,
  kJson = 245,
  kNewDecimal = 246,
  kEnum = 247,
  kSet = 248,
  kTinyBlob = 249,
  kMediumBlob = 250,
  kLongBlob = 251,
  kBlob = 252,
  kVarString = 253,
  kString = 254,
  kGeometry = 255,
};

const char* column_type_name(uint8_t t);

// Collation ids: 63 is binary; the latin1 collations are converted to UTF-8.
constexpr uint32_t kBinaryCollation = 63;
bool is_latin1_collation(uint32_t id);

class CharsetTable;

struct Column {
  std::string name;       // "" when unknown (then named col_N)
  uint8_t type = 0;       // as in TABLE_MAP (kString for CHAR/ENUM/SET)
  uint8_t real_type = 0;  // kEnum / kSet / kString for kString columns, else == type
  uint16_t meta = 0;      // decoded metadata (see table_map.cpp)
  uint16_t length = 0;    // CHAR: max byte length; ENUM/SET: pack length
  uint8_t precision = 0;  // DECIMAL
  uint8_t scale = 0;      // DECIMAL
  uint8_t fsp = 0;        // TIME2/DATETIME2/TIMESTAMP2 fraction digits
  bool is_unsigned = false;
  bool nullable = true;
  bool is_json = false;    // MariaDB stores JSON as LONGTEXT: known from information_schema
  uint32_t collation = 0;  // 0 = unknown (treated as UTF-8 text)
  std::string charset;     // the collation's character set ("cp1251"), "" = unknown
  std::shared_ptr<const CharsetTable> text_table;  // the server's table of `charset`, if used
  std::string plugin_type;          // MariaDB's "uuid", "inet6", "inet4" (binary in the binlog)
  std::vector<std::string> labels;  // ENUM / SET labels
  bool hidden = false;  // MariaDB's implicit row_start / row_end: decoded, not in the rows
};

// True when the column holds characters (CHAR/VARCHAR/TEXT), as MySQL's optional metadata
// counts them for DEFAULT_CHARSET / COLUMN_CHARSET.
bool is_character_column(const Column& c);
bool is_enum_or_set(const Column& c);

// The column's SQL type as a sink can map it (SourceMeta::column_types): "decimal(15,2)",
// "bigint unsigned", "datetime(6)", "timestamp", "enum", "set", "json", "blob", "varchar"...
// "" when a sink should infer the type from the values (BIT, which is read as uint).
std::string source_type_text(const Column& c);

}  // namespace sluice::operators::mysql
