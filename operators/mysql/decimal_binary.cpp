#include "operators/mysql/decimal_binary.h"

#include <cstring>
#include <string>
#include <string_view>

#include "operators/mysql/errc.h"

namespace sluice::operators::mysql {

namespace {

constexpr int kDig2Bytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
constexpr uint32_t kPow10[10] = {1,      10,      100,      1000,      10000,
                                 100000, 1000000, 10000000, 100000000, 1000000000};

// A DECIMAL's digit groups in order: the leading digits of the integer part, its groups of 9,
// the fraction's groups of 9, its trailing digits; each below 10^digits.
struct Groups {
  uint32_t value[16];
  int digits[16];
  int count = 0;
  int integer_groups = 0;  // how many of them make the integer part
  bool negative = false;
};

std::string type_text(int precision, int scale) {
  return "DECIMAL(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
}

// The groups of the bytes (sign bit flipped back, a negative value's bytes inverted back).
// A group at or above 10^digits is not a DECIMAL (a damaged event) and must not overflow what
// the digits are added to.
result<Groups> read_groups(const uint8_t* p, size_t size, int precision, int scale) {
  uint8_t buf[40];
  std::memcpy(buf, p, size);
  Groups g;
  g.negative = (buf[0] & 0x80) == 0;
  buf[0] ^= 0x80;
  if (g.negative) {
    for (size_t i = 0; i < size; ++i) buf[i] = static_cast<uint8_t>(~buf[i]);
  }
  const int intg = precision - scale;
  auto add = [&](int n) {
    if (n > 0) g.digits[g.count++] = n;
  };
  add(intg % 9);
  for (int i = 0; i < intg / 9; ++i) add(9);
  g.integer_groups = g.count;
  for (int i = 0; i < scale / 9; ++i) add(9);
  add(scale % 9);
  size_t off = 0;
  for (int i = 0; i < g.count; ++i) {
    uint32_t v = 0;
    for (int b = 0; b < kDig2Bytes[g.digits[i]]; ++b) v = (v << 8) | buf[off++];
    if (v >= kPow10[g.digits[i]]) {
      return error::permanent(errc::decode, type_text(precision, scale) + " bytes hold " +
                                                std::to_string(v) + " in a group of " +
                                                std::to_string(g.digits[i]) + " digits");
    }
    g.value[i] = v;
  }
  return g;
}

// Up to 38 digits: the unscaled value fits as it is.
Decimal narrow_decimal(const Groups& g, int scale) {
  int128 u = 0;
  for (int i = 0; i < g.count; ++i) u = u * kPow10[g.digits[i]] + g.value[i];
  return Decimal(g.negative ? -u : u, scale);
}

// Wider than 38 digits: "[-]int.frac" as text, parsed exactly (at most 65 digits).
result<Decimal> wide_decimal(const Groups& g, int precision, int scale) {
  char text[100];
  size_t nd = 0;
  if (g.negative) text[nd++] = '-';
  for (int i = 0; i < g.count; ++i) {
    if (i == g.integer_groups) text[nd++] = '.';
    uint32_t v = g.value[i];
    for (int k = g.digits[i] - 1; k >= 0; --k) {
      text[nd + static_cast<size_t>(k)] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    nd += static_cast<size_t>(g.digits[i]);
  }
  if (g.integer_groups == g.count) text[nd++] = '.';
  auto d = Decimal::parse(std::string_view(text, nd));
  if (!d) {
    return error::permanent(errc::decode, type_text(precision, scale) + " value " +
                                              std::string(text, nd) + " does not fit " +
                                              std::to_string(Decimal::kMaxWideDigits) + " digits");
  }
  return *d;
}

}  // namespace

size_t decimal_binary_size(int precision, int scale) {
  // MySQL's DECIMAL is at most (65,30) with scale <= precision; any other pair (a damaged
  // TABLE_MAP or JSON value) has no binary form: 0, which decode_decimal refuses.
  if (precision < 1 || precision > 65 || scale < 0 || scale > 30 || scale > precision) return 0;
  int intg = precision - scale;
  return static_cast<size_t>(intg / 9) * 4 + static_cast<size_t>(kDig2Bytes[intg % 9]) +
         static_cast<size_t>(scale / 9) * 4 + static_cast<size_t>(kDig2Bytes[scale % 9]);
}

result<Decimal> decode_decimal(const uint8_t* p, int precision, int scale, size_t* consumed) {
  size_t size = decimal_binary_size(precision, scale);
  *consumed = size;
  if (size == 0 || size > 40) return error::permanent(errc::decode, "bad DECIMAL size");
  auto g = read_groups(p, size, precision, scale);
  if (!g.ok()) return g.err();
  if (precision <= Decimal::kMaxDigits) return narrow_decimal(*g, scale);
  return wide_decimal(*g, precision, scale);
}

}  // namespace sluice::operators::mysql
