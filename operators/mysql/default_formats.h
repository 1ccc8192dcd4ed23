// The text forms of numbers, bits, dates and times MariaDB prints for column defaults
// (column_default.h), from the value as written.
#pragma once
#include <cstdint>
#include <string>

namespace sluice::operators::mysql {

// "1.005" with scale 2 -> "1.01" (half away from zero), "7" with scale 2 -> "7.00", "1e3"
// with scale 0 -> "1000". Text that is no number reads as 0 (as strict mode would refuse).
std::string default_fixed(const std::string& number, int scale);
// The shortest text that reads back as the same float (single) or double: "1.5", "1000".
std::string default_float(const std::string& number, bool single);
// The number of a hex / binary digit string ("41" -> 65).
uint64_t default_radix_value(const std::string& digits, int radix);
// b'101' for 5, b'0' for 0.
std::string default_bits(uint64_t v);
// '2020-1-2' -> 2020-01-02; with time: 2020-01-02 03:04:05[.fff] (`frac` digits); time of
// day: 10:00:00[.fff]. Unquoted.
std::string default_date(const std::string& text);
std::string default_datetime(const std::string& text, int frac);
std::string default_time(const std::string& text, int frac);

}  // namespace sluice::operators::mysql
