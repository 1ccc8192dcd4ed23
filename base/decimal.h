// Exact decimal: an unscaled integer and a scale (digits after the point).
// Two representations, one value: a signed 128-bit unscaled integer (the fast path, up to 38
// significant digits) and, only for values that do not fit it, a shared immutable wide integer
// (Boost.Multiprecision cpp_int) holding up to kMaxWideDigits = 76 significant digits: MySQL's
// DECIMAL(65,30) plus room for sums of ~10^11 such values. Results are normalized back to the
// 128-bit form whenever they fit, so a value has exactly one representation.
// Operations that would exceed 76 digits report it instead of rounding. Never converts through
// binary floating point.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

using int128 = __int128;

struct DecimalWide;  // the wide unscaled integer and its arithmetic (decimal_wide.h)

class Decimal {
 public:
  static constexpr int kMaxDigits = 38;      // the 128-bit fast path
  static constexpr int kMaxWideDigits = 76;  // the limit of any decimal
  static constexpr int kMaxScale = 38;

  Decimal() = default;
  Decimal(int128 unscaled, int scale) : unscaled_(unscaled), scale_(static_cast<uint8_t>(scale)) {}
  static Decimal from_int(int64_t v) { return Decimal(v, 0); }

  // Parses "[-+]digits[.digits]" and "[-+]digits[.digits]e[-+]N"; keeps the scale as written
  // ("1.50" has scale 2). nullopt on malformed text or more than 76 significant digits.
  static std::optional<Decimal> parse(std::string_view text);
  // From a big-endian two's complement unscaled value of any length (Debezium bytes).
  // nullopt beyond 76 digits.
  static std::optional<Decimal> from_be_bytes(std::string_view be, int scale);

  // True when the value needs more than 38 digits (unscaled() is then meaningless).
  bool is_wide() const { return wide_ != nullptr; }
  // The 128-bit unscaled value; only for !is_wide().
  int128 unscaled() const { return unscaled_; }
  int scale() const { return scale_; }
  int sign() const;
  // Number of significant digits in the unscaled value (at least 1).
  int precision() const;

  // Exact text with exactly scale() digits after the point: "1.50", "-0.01", "42".
  std::string to_string() const;
  // Decimal digits of |unscaled| without sign or point ("150" for -1.50).
  std::string unscaled_digits() const;
  // Minimal big-endian two's complement of the unscaled value (at least one byte).
  std::string to_be_bytes() const;

  // Arithmetic: nullopt on overflow of 76 digits.
  std::optional<Decimal> add(const Decimal& o) const;
  std::optional<Decimal> sub(const Decimal& o) const;
  std::optional<Decimal> mul(const Decimal& o) const;
  // Division needs an explicit result scale; rounds half away from zero. nullopt on /0 or overflow.
  std::optional<Decimal> div(const Decimal& o, int result_scale) const;
  std::optional<Decimal> rem(const Decimal& o) const;
  Decimal neg() const;
  Decimal abs() const { return sign() < 0 ? neg() : *this; }
  // Round half away from zero to n digits after the point (n may be negative: round(1234, -2) =
  // 1200).
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
  friend struct DecimalWide;
  int128 unscaled_ = 0;
  uint8_t scale_ = 0;
  std::shared_ptr<const DecimalWide> wide_;  // set only beyond 38 digits
};

}  // namespace sluice
