// Exact decimal: a signed 128-bit unscaled integer and a scale (digits after the point).
// Holds 38 significant digits; operations that would overflow report it instead of rounding.
// Never converts through binary floating point.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

using int128 = __int128;

class Decimal {
 public:
  static constexpr int kMaxDigits = 38;
  static constexpr int kMaxScale = 38;

  Decimal() = default;
  Decimal(int128 unscaled, int scale) : unscaled_(unscaled), scale_(static_cast<uint8_t>(scale)) {}
  static Decimal from_int(int64_t v) { return Decimal(v, 0); }

  // Parses "[-+]digits[.digits]" and "[-+]digits[.digits]e[-+]N"; keeps the scale as written
  // ("1.50" has scale 2). nullopt on malformed text or more than 38 significant digits.
  static std::optional<Decimal> parse(std::string_view text);

  int128 unscaled() const { return unscaled_; }
  int scale() const { return scale_; }
  // Number of significant digits in the unscaled value (at least 1).
  int precision() const;

  // Exact text with exactly scale() digits after the point: "1.50", "-0.01", "42".
  std::string to_string() const;

  // Arithmetic: nullopt on overflow of 38 digits.
  std::optional<Decimal> add(const Decimal& o) const;
  std::optional<Decimal> sub(const Decimal& o) const;
  std::optional<Decimal> mul(const Decimal& o) const;
  // Division needs an explicit result scale; rounds half away from zero. nullopt on /0 or overflow.
  std::optional<Decimal> div(const Decimal& o, int result_scale) const;
  std::optional<Decimal> rem(const Decimal& o) const;
  Decimal neg() const { return Decimal(-unscaled_, scale_); }
  Decimal abs() const { return unscaled_ < 0 ? neg() : *this; }
  // Round half away from zero to n digits after the point (n may be negative: round(1234, -2) = 1200).
  std::optional<Decimal> round(int n) const;
  // Change scale; increasing is exact, decreasing rounds half away from zero.
  std::optional<Decimal> rescale(int new_scale) const;

  // Numeric comparison (1.5 == 1.50).
  int compare(const Decimal& o) const;
  bool operator==(const Decimal& o) const { return compare(o) == 0; }
  bool operator<(const Decimal& o) const { return compare(o) < 0; }

  // Truncates toward zero; nullopt when out of int64 range.
  std::optional<int64_t> to_int64() const;
  // Only for to_float()/display: the one place a decimal becomes binary floating point.
  double to_double() const;

 private:
  int128 unscaled_ = 0;
  uint8_t scale_ = 0;
};

}  // namespace sluice
