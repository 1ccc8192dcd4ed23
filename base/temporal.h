// Calendar types: dates as days since 1970-01-01, times and datetimes/timestamps in microseconds.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::temporal {

struct civil {
  int year;
  unsigned month;
  unsigned day;
};

int32_t days_from_civil(int y, unsigned m, unsigned d);
unsigned days_in_month(int y, unsigned m);  // 0 for a month outside 1..12
civil civil_from_days(int32_t days);

// "2024-02-29"
std::string format_date(int32_t days);
// "13:45:59.123" (fraction printed only when non-zero, with 3 or 6 digits as needed); may be
// negative.
std::string format_time(int64_t micros);
// "2024-02-29T13:45:59.123000" (always 6 fraction digits)
std::string format_datetime(int64_t micros);
// The same two, appended to `out` (no temporary string: hot encoders).
void append_date(int32_t days, std::string& out);
void append_datetime(int64_t micros, std::string& out);
// "2024-02-29T13:45:59.123Z" (milliseconds)
std::string format_timestamp(int64_t micros);

std::optional<int32_t> parse_date(std::string_view s);  // YYYY-MM-DD
std::optional<int64_t> parse_time(std::string_view s);  // [-]HH:MM:SS[.ffffff]
// "YYYY-MM-DD[ T]HH:MM:SS[.ffffff]" without zone -> micros (datetime). Also accepts a bare date.
std::optional<int64_t> parse_datetime(std::string_view s);
// Like parse_datetime but accepts an optional "Z" or "+HH:MM" zone and converts to UTC micros.
std::optional<int64_t> parse_timestamp(std::string_view s);

int64_t now_micros();
// Makes now_micros() (and so now()) return `micros` from now on; 0 = the real clock again.
// `sluice test` runs pipelines on a fixed clock so that now() gives the same records each run.
void fix_clock(int64_t micros);

}  // namespace sluice::temporal
