#include "operators/mysql/decimal_binary.h"

#include <cstring>
#include <string>
#include <string_view>

namespace sluice::operators::mysql {

namespace {

constexpr int kDig2Bytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};

// A value's bytes with the sign bit flipped back (and, negative, every byte inverted back),
// and where its digits are: intg0 words of nine integer digits after intg0x leftover digits,
// then frac0 words of nine fraction digits and frac0x leftover digits.
struct Digits {
  uint8_t buf[40];
  bool negative = false;
  int intg0 = 0, intg0x = 0, frac0 = 0, frac0x = 0;

  uint32_t be(size_t off, int n) const {
    uint32_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | buf[off + static_cast<size_t>(i)];
    return v;
  }
};

// Up to 38 digits: the unscaled value fits as it is.
Decimal narrow_decimal(const Digits& d, int scale) {
  static constexpr uint32_t kPow10[10] = {1,      10,      100,      1000,      10000,
                                          100000, 1000000, 10000000, 100000000, 1000000000};
  int128 u = 0;
  size_t off = 0;
  if (d.intg0x) {
    u = d.be(off, kDig2Bytes[d.intg0x]);
    off += static_cast<size_t>(kDig2Bytes[d.intg0x]);
  }
  for (int i = 0; i < d.intg0 + d.frac0; ++i, off += 4) u = u * kPow10[9] + d.be(off, 4);
  if (d.frac0x) u = u * kPow10[d.frac0x] + d.be(off, kDig2Bytes[d.frac0x]);
  return Decimal(d.negative ? -u : u, scale);
}

// Wider than 38 digits: collect "[-]int.frac" as text and parse it exactly (at most 65 digits).
result<Decimal> wide_decimal(const Digits& d, int precision, int scale) {
  char text[100];
  size_t nd = 0;
  if (d.negative) text[nd++] = '-';
  auto put = [&](uint32_t v, int ndig) {
    for (int i = ndig - 1; i >= 0; --i) {
      text[nd + static_cast<size_t>(i)] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    nd += static_cast<size_t>(ndig);
  };
  size_t off = 0;
  if (d.intg0x) {
    put(d.be(off, kDig2Bytes[d.intg0x]), d.intg0x);
    off += static_cast<size_t>(kDig2Bytes[d.intg0x]);
  }
  for (int i = 0; i < d.intg0; ++i, off += 4) put(d.be(off, 4), 9);
  text[nd++] = '.';
  for (int i = 0; i < d.frac0; ++i, off += 4) put(d.be(off, 4), 9);
  if (d.frac0x) put(d.be(off, kDig2Bytes[d.frac0x]), d.frac0x);
  auto v = Decimal::parse(std::string_view(text, nd));
  if (!v) {
    return error::permanent("DECIMAL(" + std::to_string(precision) + "," + std::to_string(scale) +
                            ") value " + std::string(text, nd) + " does not fit " +
                            std::to_string(Decimal::kMaxWideDigits) + " digits");
  }
  return *v;
}

}  // namespace

size_t decimal_binary_size(int precision, int scale) {
  int intg = precision - scale;
  return static_cast<size_t>((intg / 9) * 4 + kDig2Bytes[intg % 9] + (scale / 9) * 4 +
                             kDig2Bytes[scale % 9]);
}

result<Decimal> decode_decimal(const uint8_t* p, int precision, int scale, size_t* consumed) {
  size_t size = decimal_binary_size(precision, scale);
  *consumed = size;
  Digits d;
  if (size == 0 || size > sizeof(d.buf)) return error::permanent("bad DECIMAL size");
  std::memcpy(d.buf, p, size);
  d.negative = (d.buf[0] & 0x80) == 0;
  d.buf[0] ^= 0x80;
  if (d.negative) {
    for (size_t i = 0; i < size; ++i) d.buf[i] = static_cast<uint8_t>(~d.buf[i]);
  }
  const int intg = precision - scale;
  d.intg0 = intg / 9;
  d.intg0x = intg % 9;
  d.frac0 = scale / 9;
  d.frac0x = scale % 9;
  if (precision <= Decimal::kMaxDigits) return narrow_decimal(d, scale);
  return wide_decimal(d, precision, scale);
}

}  // namespace sluice::operators::mysql
