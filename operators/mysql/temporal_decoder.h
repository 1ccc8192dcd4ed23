// The temporal columns of a row image (binlog binary format): DATE, TIME, DATETIME and
// TIMESTAMP in their old and their fractional (TIME2, DATETIME2, TIMESTAMP2) forms. A zero or
// invalid date is null (counted in DecodeStats::zero_dates); TIME is text, as it may exceed a
// day.
#pragma once
#include <cstdint>
#include <string>

#include "base/result.h"
#include "base/value.h"
#include "operators/mysql/byte_reader.h"
#include "operators/mysql/column_decoder.h"
#include "operators/mysql/column_type.h"

namespace sluice::operators::mysql {

// Each reads one non-null value of column c (of its type) from r.
result<Value> date_value(const Column& c, ByteReader& r, DecodeStats& stats);  // DATE, NEWDATE
result<Value> time_value(const Column& c, ByteReader& r, DecodeStats& stats);  // HHMMSS, 3 bytes
result<Value> time2_value(const Column& c, ByteReader& r, DecodeStats& stats);
result<Value> datetime_value(const Column& c, ByteReader& r, DecodeStats& stats);  // YYYYMMDDHHMMSS
result<Value> datetime2_value(const Column& c, ByteReader& r, DecodeStats& stats);
result<Value> timestamp_value(const Column& c, ByteReader& r, DecodeStats& stats);  // seconds
result<Value> timestamp2_value(const Column& c, ByteReader& r, DecodeStats& stats);

// "[-]HH:MM:SS[.ffffff]" with fsp fraction digits, from TIME2 binary.
std::string decode_time2(const uint8_t* p, int fsp);

}  // namespace sluice::operators::mysql
