#include "base/decimal_wide.h"

#include <vector>

namespace sluice {
namespace {

using Big = DecimalWide::Big;
using uint128 = unsigned __int128;

// 10^n for 0 <= n <= 2 * 76 + 38 (products of two wide values at the largest scale).
const Big& pow10(int n) {
  static const std::vector<Big> table = [] {
    std::vector<Big> t(2 * Decimal::kMaxWideDigits + Decimal::kMaxScale + 1);
    t[0] = 1;
    for (size_t i = 1; i < t.size(); ++i) t[i] = t[i - 1] * 10;
    return t;
  }();
  return table[static_cast<size_t>(n)];
}
constexpr int kMaxPow = 2 * Decimal::kMaxWideDigits + Decimal::kMaxScale;

Big from_u128(uint128 u) {
  Big r = static_cast<uint64_t>(u >> 64);
  r <<= 64;
  r += static_cast<uint64_t>(u);
  return r;
}

int128 to_i128(const Big& v) {  // |v| < 10^38
  Big a = abs(v);
  uint128 u = (static_cast<uint128>(static_cast<uint64_t>(a >> 64)) << 64) |
              static_cast<uint64_t>(a & Big(UINT64_MAX));
  return v.sign() < 0 ? -static_cast<int128>(u) : static_cast<int128>(u);
}

// v / 10^n rounded half away from zero.
Big round_down(const Big& v, int n) {
  if (n <= 0) return v;
  if (n > kMaxPow) return 0;
  const Big& p = pow10(n);
  Big q = v / p;  // truncates toward zero
  Big r = v % p;  // sign of v
  if (abs(r) * 2 >= p) q += v.sign();
  return q;
}

// v * 10^n; false when the result cannot fit 76 digits.
bool scale_up(const Big& v, int n, Big* out) {
  if (v.is_zero() || n == 0) {
    *out = v;
    return true;
  }
  if (n > Decimal::kMaxWideDigits) return false;
  *out = v * pow10(n);
  return true;
}

}  // namespace

Big DecimalWide::big(const Decimal& d) {
  if (d.wide_) return d.wide_->v;
  int128 u = d.unscaled_;
  Big r = from_u128(u < 0 ? static_cast<uint128>(0) - static_cast<uint128>(u)
                          : static_cast<uint128>(u));
  return u < 0 ? Big(-r) : r;
}

std::optional<Decimal> DecimalWide::make(Big v, int scale) {
  if (scale < 0 || scale > Decimal::kMaxScale) return std::nullopt;
  Big a = abs(v);
  if (a >= pow10(Decimal::kMaxWideDigits)) return std::nullopt;
  if (a < pow10(Decimal::kMaxDigits)) return Decimal(to_i128(v), scale);
  Decimal d;
  d.scale_ = static_cast<uint8_t>(scale);
  d.wide_ = std::make_shared<const DecimalWide>(DecimalWide{std::move(v)});
  return d;
}

std::optional<Decimal> DecimalWide::from_digits(bool neg, std::string_view digits, int64_t scale) {
  Big v;
  for (char c : digits) v = v * 10 + (c - '0');
  if (neg) v = -v;
  if (scale < 0) {
    if (-scale > kMaxPow || !scale_up(v, static_cast<int>(-scale), &v)) return std::nullopt;
    scale = 0;
  }
  if (scale > Decimal::kMaxScale) return std::nullopt;
  return make(std::move(v), static_cast<int>(scale));
}

std::optional<Decimal> DecimalWide::from_be_bytes(std::string_view be, int scale) {
  // Redundant sign bytes aside, 76 digits need at most 32 bytes (10^76 < 2^255): refuse longer
  // input before building a number from it (the bytes come from outside).
  const char sign = !be.empty() && (static_cast<unsigned char>(be[0]) & 0x80) ? '\xff' : '\0';
  size_t skip = 0;
  while (be.size() - skip > 32 && be[skip] == sign) ++skip;
  if (be.size() - skip > 32) return std::nullopt;
  if (skip > 0) be.remove_prefix(skip - 1);  // keep one sign byte
  Big u;
  for (char c : be) u = (u << 8) | static_cast<unsigned char>(c);
  if (!be.empty() && (static_cast<unsigned char>(be[0]) & 0x80)) u -= Big(1) << (8 * be.size());
  return make(std::move(u), scale);
}

std::string DecimalWide::to_be_bytes(const Decimal& d) {
  Big v = big(d);
  size_t n = 1;  // smallest n with -2^(8n-1) <= v < 2^(8n-1)
  while (v >= (Big(1) << (8 * n - 1)) || v < -(Big(1) << (8 * n - 1))) ++n;
  Big u = v.sign() < 0 ? Big((Big(1) << (8 * n)) + v) : v;
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) {
    out[n - 1 - i] = static_cast<char>(static_cast<unsigned>(u & 0xff));
    u >>= 8;
  }
  return out;
}

std::string DecimalWide::digits(const Decimal& d) { return Big(abs(big(d))).str(); }

std::optional<Decimal> DecimalWide::add(const Decimal& a, const Decimal& b) {
  int s = a.scale() > b.scale() ? a.scale() : b.scale();
  Big x, y;
  if (!scale_up(big(a), s - a.scale(), &x) || !scale_up(big(b), s - b.scale(), &y))
    return std::nullopt;
  return make(x + y, s);
}

std::optional<Decimal> DecimalWide::mul(const Decimal& a, const Decimal& b) {
  int s = a.scale() + b.scale();
  Big r = big(a) * big(b);
  if (s > Decimal::kMaxScale) {
    r = round_down(r, s - Decimal::kMaxScale);
    s = Decimal::kMaxScale;
  }
  return make(std::move(r), s);
}

std::optional<Decimal> DecimalWide::div(const Decimal& a, const Decimal& b, int rs) {
  if (b.sign() == 0 || rs < 0 || rs > Decimal::kMaxScale) return std::nullopt;
  // result = a * 10^(rs + sb - sa) / b, rounded half away from zero
  int k = rs + b.scale() - a.scale();
  Big num = abs(big(a)), den = abs(big(b));
  if (k > 0) num *= pow10(k);
  if (k < 0) den *= pow10(-k);
  Big q = num / den;
  if ((num % den) * 2 >= den) ++q;
  return make(a.sign() * b.sign() < 0 ? Big(-q) : q, rs);
}

std::optional<Decimal> DecimalWide::rem(const Decimal& a, const Decimal& b) {
  if (b.sign() == 0) return std::nullopt;
  int s = a.scale() > b.scale() ? a.scale() : b.scale();
  Big x = big(a) * pow10(s - a.scale());
  Big y = big(b) * pow10(s - b.scale());
  return make(x % y, s);  // the sign of the dividend, as C++
}

std::optional<Decimal> DecimalWide::round(const Decimal& a, int n) {
  if (n >= 0) return rescale(a, n > Decimal::kMaxScale ? Decimal::kMaxScale : n);
  Big q = round_down(big(a), a.scale() - n);
  if (!scale_up(q, -n, &q)) return std::nullopt;
  return make(std::move(q), 0);
}

std::optional<Decimal> DecimalWide::rescale(const Decimal& a, int ns) {
  if (ns < 0 || ns > Decimal::kMaxScale) return std::nullopt;
  if (ns >= a.scale()) {
    Big r;
    if (!scale_up(big(a), ns - a.scale(), &r)) return std::nullopt;
    return make(std::move(r), ns);
  }
  return make(round_down(big(a), a.scale() - ns), ns);
}

int DecimalWide::compare(const Decimal& a, const Decimal& b) {
  int s = a.scale() > b.scale() ? a.scale() : b.scale();
  Big x = big(a) * pow10(s - a.scale());
  Big y = big(b) * pow10(s - b.scale());
  return x < y ? -1 : (x > y ? 1 : 0);
}

std::optional<int64_t> DecimalWide::to_int64(const Decimal& d) {
  Big q = big(d) / pow10(d.scale());
  if (q > INT64_MAX || q < INT64_MIN) return std::nullopt;
  return static_cast<int64_t>(q);
}

}  // namespace sluice
