// The wide path of Decimal: values beyond 38 digits as a Boost.Multiprecision cpp_int (never a
// hand-written bignum). Only decimal.cpp and decimal_wide.cpp include this header; everything
// else sees Decimal. Every result goes through make(), which enforces the 76-digit limit and
// returns the 128-bit representation whenever the value fits it.
#pragma once
#include <boost/multiprecision/cpp_int.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/decimal.h"

namespace sluice {

struct DecimalWide {
  using Big = boost::multiprecision::cpp_int;
  Big v;

  static Big big(const Decimal& d);
  static std::optional<Decimal> make(Big v, int scale);
  // |digits| (no sign, no point, at most 76 significant) times 10^-scale; scale may be negative.
  static std::optional<Decimal> from_digits(bool neg, std::string_view digits, int64_t scale);
  static std::optional<Decimal> from_be_bytes(std::string_view be, int scale);
  static std::string to_be_bytes(const Decimal& d);
  static std::string digits(const Decimal& d);

  static std::optional<Decimal> add(const Decimal& a, const Decimal& b);
  static std::optional<Decimal> mul(const Decimal& a, const Decimal& b);
  static std::optional<Decimal> div(const Decimal& a, const Decimal& b, int result_scale);
  static std::optional<Decimal> rem(const Decimal& a, const Decimal& b);
  static std::optional<Decimal> round(const Decimal& a, int n);
  static std::optional<Decimal> rescale(const Decimal& a, int new_scale);
  static int compare(const Decimal& a, const Decimal& b);
  static std::optional<int64_t> to_int64(const Decimal& d);
};

}  // namespace sluice
