// Decodes one column value of a row image (binlog binary format) into a sluice Value, exactly:
// integers by signedness, DECIMAL from its binary form, temporal types, strings (latin1 to
// UTF-8), ENUM/SET labels, JSON (MySQL binary or MariaDB text), GEOMETRY as WKB.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/common/result.h"
#include "engine/value/value.h"
#include "operators/mysql/byte_reader.h"
#include "operators/mysql/column_type.h"

namespace sluice::operators::mysql {

struct DecodeStats {
  uint64_t zero_dates = 0;  // zero / invalid dates turned into null
};

// Reads one non-null value of column c from r. An error names the problem (the caller adds
// db.table.column).
result<Value> decode_column(const Column& c, ByteReader& r, DecodeStats& stats);

// DECIMAL binary format (precision, scale) -> exact Decimal with that scale, any precision up to
// MySQL's 65 (beyond 38 digits on Decimal's wide path).
result<Decimal> decode_decimal(const uint8_t* p, int precision, int scale, size_t* consumed);
// Bytes of DECIMAL(precision, scale) in binary form; 0 when MySQL has no such DECIMAL.
size_t decimal_binary_size(int precision, int scale);

// "[-]HH:MM:SS[.ffffff]" with fsp (0..6) fraction digits, from TIME2 binary.
std::string decode_time2(const uint8_t* p, int fsp);

// latin1 (MySQL's: cp1252) bytes to UTF-8.
void latin1_to_utf8(std::string_view in, std::string& out);

}  // namespace sluice::operators::mysql
