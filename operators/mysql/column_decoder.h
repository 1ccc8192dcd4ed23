// Decodes one column value of a row image (binlog binary format) into a sluice Value, exactly:
// integers by signedness, DECIMAL from its binary form (decimal_binary.h), temporal types
// (temporal_decoder.h), strings (latin1 to UTF-8), ENUM/SET labels, JSON (MySQL binary or
// MariaDB text), GEOMETRY as WKB.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/value.h"
#include "operators/mysql/byte_reader.h"
#include "operators/mysql/column_type.h"

namespace sluice::operators::mysql {

struct DecodeStats {
  uint64_t zero_dates = 0;    // zero / invalid dates turned into null
  uint64_t history_rows = 0;  // rows of system-versioned tables' history, not passed on
};

// Reads one non-null value of column c from r. An error names the problem (the caller adds
// db.table.column).
result<Value> decode_column(const Column& c, ByteReader& r, DecodeStats& stats);

// The error for a value of column c that the row image cuts short.
error truncated_value(const Column& c);

// latin1 (MySQL's: cp1252) bytes to UTF-8.
void latin1_to_utf8(std::string_view in, std::string& out);
// Text of a character column as UTF-8, from its character set (latin1, the server's table,
// iconv, or kept as it is for utf8mb3/utf8mb4/ascii).
result<std::string> column_text(const Column& c, std::string_view raw);

}  // namespace sluice::operators::mysql
