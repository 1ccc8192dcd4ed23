#include "base/decimal.h"

#include <cstdlib>

#include "base/decimal_wide.h"

namespace sluice {
namespace {

using uint128 = unsigned __int128;

constexpr int128 make_pow10(int n) {
  int128 r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

struct Pow10Table {
  int128 v[39];
  constexpr Pow10Table() : v() {
    for (int i = 0; i <= 38; ++i) v[i] = make_pow10(i);
  }
};
constexpr Pow10Table kPow10;
constexpr int128 kLimit = make_pow10(38);  // |unscaled| must stay below 10^38

inline bool fits(int128 v) { return v < kLimit && v > -kLimit; }
inline uint128 uabs(int128 v) { return v < 0 ? static_cast<uint128>(-v) : static_cast<uint128>(v); }

// v * 10^n with overflow detection (against 10^38), n > 0.
bool scale_up_by(int128 v, int n, int128* out) {
  if (n > 38) {
    if (v == 0) {
      *out = 0;
      return true;
    }
    return false;
  }
  constexpr int128 k63 = static_cast<int128>(1) << 63;
  if (n <= 18 && v < k63 && v > -k63) {  // cannot overflow int128: plain multiply
    int128 r = v * kPow10.v[n];
    if (!fits(r)) return false;
    *out = r;
    return true;
  }
  int128 r;
  if (__builtin_mul_overflow(v, kPow10.v[n], &r)) return false;
  if (!fits(r)) return false;
  *out = r;
  return true;
}

// v * 10^n with overflow detection (against 10^38); n == 0 (equal scales) stays inline.
inline bool scale_up(int128 v, int n, int128* out) {
  if (n == 0) {
    *out = v;
    return true;
  }
  return scale_up_by(v, n, out);
}

// v / 10^n rounded half away from zero.
int128 scale_down(int128 v, int n) {
  if (n <= 0) return v;
  if (n > 38) return 0;
  int128 p = kPow10.v[n];
  int128 q = v / p;
  int128 r = v % p;
  uint128 ar = uabs(r);
  if (ar * 2 >= static_cast<uint128>(p)) q += (v < 0 ? -1 : 1);
  return q;
}

// ---- 256-bit unsigned helpers for the division slow path ----
struct U256 {
  uint128 hi = 0, lo = 0;
};

U256 mul_u128(uint128 a, uint128 b) {
  const uint128 m = ~static_cast<uint64_t>(0);
  uint128 a0 = a & m, a1 = a >> 64, b0 = b & m, b1 = b >> 64;
  uint128 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  uint128 mid = (p00 >> 64) + (p01 & m) + (p10 & m);
  U256 r;
  r.lo = (p00 & m) | (mid << 64);
  r.hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
  return r;
}

// a * 10^n as 256 bits; false when it does not fit.
bool mul_pow10(uint128 a, int n, U256* out) {
  U256 r{0, a};
  while (n > 0) {
    int step = n > 38 ? 38 : n;
    uint128 p = static_cast<uint128>(kPow10.v[step]);
    U256 lo = mul_u128(r.lo, p);
    U256 hi = mul_u128(r.hi, p);
    if (hi.hi != 0) return false;
    uint128 sum = lo.hi + hi.lo;
    if (sum < lo.hi) return false;
    r.lo = lo.lo;
    r.hi = sum;
    n -= step;
  }
  *out = r;
  return true;
}

bool ge(const U256& a, const U256& b) { return a.hi != b.hi ? a.hi > b.hi : a.lo >= b.lo; }
U256 sub(const U256& a, const U256& b) {
  U256 r;
  r.lo = a.lo - b.lo;
  r.hi = a.hi - b.hi - (a.lo < b.lo ? 1 : 0);
  return r;
}
U256 shl1(const U256& a) { return U256{(a.hi << 1) | (a.lo >> 127), a.lo << 1}; }

// num / den, rounding half away from zero (in magnitude); false when the quotient exceeds 128 bits.
bool div_round(U256 num, U256 den, uint128* out) {
  U256 q, r;
  for (int i = 255; i >= 0; --i) {
    r = shl1(r);
    bool bit = i >= 128 ? ((num.hi >> (i - 128)) & 1) : ((num.lo >> i) & 1);
    r.lo |= bit ? 1 : 0;
    if (ge(r, den)) {
      r = sub(r, den);
      if (i >= 128) return false;
      q.lo |= static_cast<uint128>(1) << i;
    }
  }
  // round: 2r >= den
  if (ge(shl1(r), den)) q.lo += 1;
  *out = q.lo;
  return true;
}

}  // namespace

std::optional<Decimal> Decimal::parse(std::string_view s) {
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    neg = s[i] == '-';
    ++i;
  }
  char digits[kMaxWideDigits];  // significant digits (no leading zeros)
  int n = 0;
  int frac = 0;
  bool any = false, dot = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      any = true;
      if (dot) ++frac;
      if (n == 0 && c == '0') continue;  // leading zero
      if (n == kMaxWideDigits) return std::nullopt;
      digits[n++] = c;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!any) return std::nullopt;
  int64_t exp = 0;
  if (i < s.size()) {
    if (s[i] != 'e' && s[i] != 'E') return std::nullopt;
    ++i;
    bool eneg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      eneg = s[i] == '-';
      ++i;
    }
    if (i >= s.size()) return std::nullopt;
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      exp = exp * 10 + (s[i] - '0');
      if (exp > 1000) return std::nullopt;
    }
    if (eneg) exp = -exp;
  }
  int64_t scale = frac - exp;
  if (n > kMaxDigits) return DecimalWide::from_digits(neg, std::string_view(digits, n), scale);
  int128 v = 0;
  for (int k = 0; k < n; ++k) v = v * 10 + (digits[k] - '0');
  if (scale < 0) {
    if (!scale_up(v, static_cast<int>(-scale), &v))
      return DecimalWide::from_digits(neg, std::string_view(digits, n), scale);
    scale = 0;
  }
  if (scale > kMaxScale) return std::nullopt;
  return Decimal(neg ? -v : v, static_cast<int>(scale));
}

std::optional<Decimal> Decimal::from_be_bytes(std::string_view be, int scale) {
  if (scale < 0 || scale > kMaxScale) return std::nullopt;
  if (be.size() > 16) return DecimalWide::from_be_bytes(be, scale);
  const bool neg = !be.empty() && (static_cast<unsigned char>(be[0]) & 0x80);
  uint128 u = neg ? ~static_cast<uint128>(0) : 0;
  for (char c : be) u = (u << 8) | static_cast<unsigned char>(c);
  int128 v = static_cast<int128>(u);
  if (!fits(v)) return DecimalWide::from_be_bytes(be, scale);
  return Decimal(v, scale);
}

int Decimal::sign() const {
  if (wide_) return wide_->v.sign();
  return (unscaled_ > 0) - (unscaled_ < 0);
}

int Decimal::precision() const {
  if (wide_) return static_cast<int>(unscaled_digits().size());
  uint128 a = uabs(unscaled_);
  int n = 1;
  while (n < 39 && a >= static_cast<uint128>(kPow10.v[n])) ++n;
  return n;
}

std::string Decimal::unscaled_digits() const {
  if (wide_) return DecimalWide::digits(*this);
  return Decimal(unscaled_, 0).abs().to_string();
}

std::string Decimal::to_be_bytes() const {
  if (wide_) return DecimalWide::to_be_bytes(*this);
  unsigned char buf[16];
  uint128 u = static_cast<uint128>(unscaled_);
  for (int i = 15; i >= 0; --i) {
    buf[i] = static_cast<unsigned char>(u & 0xff);
    u >>= 8;
  }
  int start = 0;  // drop redundant sign bytes
  const bool neg = unscaled_ < 0;
  while (start < 15) {
    unsigned char b = buf[start];
    unsigned char next = buf[start + 1];
    if (b != (neg ? 0xff : 0x00) || ((next & 0x80) != 0) != neg) break;
    ++start;
  }
  return std::string(reinterpret_cast<const char*>(buf) + start, 16 - start);
}

Decimal Decimal::neg() const {
  if (wide_) return *DecimalWide::make(-wide_->v, scale_);
  return Decimal(-unscaled_, scale_);
}

std::string Decimal::to_string() const {
  if (wide_) {
    std::string d = DecimalWide::digits(*this);
    if (d.size() <= scale_) d.insert(0, scale_ + 1 - d.size(), '0');
    if (scale_ > 0) d.insert(d.size() - scale_, 1, '.');
    if (sign() < 0) d.insert(0, 1, '-');
    return d;
  }
  char buf[48];
  char* end = buf + sizeof(buf);
  char* p = end;
  uint128 a = uabs(unscaled_);
  int n = 0;
  do {
    *--p = static_cast<char>('0' + static_cast<int>(a % 10));
    a /= 10;
    ++n;
  } while (a != 0);
  while (n <= scale_) {  // at least one digit before the point
    *--p = '0';
    ++n;
  }
  std::string out;
  out.reserve(n + 2);
  if (unscaled_ < 0) out.push_back('-');
  int int_digits = n - scale_;
  out.append(p, int_digits);
  if (scale_ > 0) {
    out.push_back('.');
    out.append(p + int_digits, scale_);
  }
  return out;
}

namespace {

// The 128-bit fast paths: nullopt also when the result needs the wide path. They return a
// trivially copyable pair, so the common case builds its Decimal once, in place.
struct Narrow {
  int128 v;
  int scale;
};

std::optional<Narrow> rescale_narrow(int128 ua, int sa, int ns) {
  if (ns < 0 || ns > Decimal::kMaxScale) return std::nullopt;
  if (ns >= sa) {
    int128 r;
    if (!scale_up(ua, ns - sa, &r)) return std::nullopt;
    return Narrow{r, ns};
  }
  return Narrow{scale_down(ua, sa - ns), ns};
}

std::optional<Narrow> add_narrow(int128 ua, int sa, int128 ub, int sb) {
  int s = sa > sb ? sa : sb;
  int128 a, b;
  if (!scale_up(ua, s - sa, &a) || !scale_up(ub, s - sb, &b)) return std::nullopt;
  int128 r = a + b;  // both < 10^38: no int128 overflow
  if (!fits(r)) return std::nullopt;
  return Narrow{r, s};
}

std::optional<Narrow> mul_narrow(int128 ua, int sa, int128 ub, int sb) {
  int s = sa + sb;
  int128 r;
  if (__builtin_mul_overflow(ua, ub, &r)) return std::nullopt;
  if (s > Decimal::kMaxScale) {
    r = scale_down(r, s - Decimal::kMaxScale);
    s = Decimal::kMaxScale;
  }
  if (!fits(r)) return std::nullopt;
  return Narrow{r, s};
}

std::optional<Narrow> div_narrow(int128 a, int sa, int128 b, int sb, int rs) {
  if (b == 0) return std::nullopt;
  if (rs < 0 || rs > Decimal::kMaxScale) return std::nullopt;
  // result = a/10^sa / (b/10^sb) * 10^rs = a * 10^(rs + sb - sa) / b
  int k = rs + sb - sa;
  bool neg = (a < 0) != (b < 0);
  uint128 ua = uabs(a), ub = uabs(b);
  uint128 q;
  // fast path
  int128 num;
  if (k >= 0 && k <= 38 && !__builtin_mul_overflow(static_cast<int128>(ua), kPow10.v[k], &num)) {
    uint128 un = static_cast<uint128>(num);
    q = un / ub;
    uint128 r = un % ub;
    if (r >= ub - r) ++q;  // 2r >= b
  } else {
    U256 n, d;
    // A numerator beyond 256 bits means a quotient beyond 10^38 (ub < 2^127).
    if (!mul_pow10(ua, k > 0 ? k : 0, &n)) return std::nullopt;
    if (!mul_pow10(ub, k < 0 ? -k : 0, &d)) return Narrow{0, rs};
    if (!div_round(n, d, &q)) return std::nullopt;
  }
  if (q >= static_cast<uint128>(kLimit)) return std::nullopt;
  int128 r = static_cast<int128>(q);
  return Narrow{neg ? -r : r, rs};
}

std::optional<Narrow> rem_narrow(int128 ua, int sa, int128 ub, int sb) {
  if (ub == 0) return std::nullopt;
  int s = sa > sb ? sa : sb;
  int128 a, b;
  if (!scale_up(ua, s - sa, &a)) return std::nullopt;
  if (!scale_up(ub, s - sb, &b)) {
    // |b| scaled exceeds 10^38 > |a| scaled?  a's magnitude is below the limit, so a % b == a.
    return Narrow{a, s};
  }
  return Narrow{a % b, s};
}

std::optional<Narrow> round_narrow(int128 ua, int sa, int n) {
  if (n >= 0) return rescale_narrow(ua, sa, n > Decimal::kMaxScale ? Decimal::kMaxScale : n);
  // Negative: round to 10^-n, result scale 0.
  int drop = sa - n;  // digits to remove
  int128 q = scale_down(ua, drop);
  int128 r;
  if (!scale_up(q, -n, &r)) return std::nullopt;
  return Narrow{r, 0};
}

}  // namespace

std::optional<Decimal> Decimal::add(const Decimal& o) const {
  if (!wide_ && !o.wide_) {
    if (auto r = add_narrow(unscaled_, scale_, o.unscaled_, o.scale_))
      return Decimal(r->v, r->scale);
  }
  return DecimalWide::add(*this, o);
}

std::optional<Decimal> Decimal::sub(const Decimal& o) const { return add(o.neg()); }

std::optional<Decimal> Decimal::mul(const Decimal& o) const {
  if (!wide_ && !o.wide_) {
    if (auto r = mul_narrow(unscaled_, scale_, o.unscaled_, o.scale_))
      return Decimal(r->v, r->scale);
  }
  return DecimalWide::mul(*this, o);
}

std::optional<Decimal> Decimal::div(const Decimal& o, int rs) const {
  if (!wide_ && !o.wide_) {
    if (auto r = div_narrow(unscaled_, scale_, o.unscaled_, o.scale_, rs))
      return Decimal(r->v, r->scale);
  }
  return DecimalWide::div(*this, o, rs);
}

std::optional<Decimal> Decimal::rem(const Decimal& o) const {
  if (!wide_ && !o.wide_) {
    if (auto r = rem_narrow(unscaled_, scale_, o.unscaled_, o.scale_))
      return Decimal(r->v, r->scale);
  }
  return DecimalWide::rem(*this, o);
}

std::optional<Decimal> Decimal::round(int n) const {
  if (!wide_) {
    if (auto r = round_narrow(unscaled_, scale_, n)) return Decimal(r->v, r->scale);
  }
  return DecimalWide::round(*this, n);
}

std::optional<Decimal> Decimal::rescale(int ns) const {
  if (!wide_) {
    if (auto r = rescale_narrow(unscaled_, scale_, ns)) return Decimal(r->v, r->scale);
  }
  return DecimalWide::rescale(*this, ns);
}

int Decimal::compare(const Decimal& o) const {
  if (wide_ || o.wide_) return DecimalWide::compare(*this, o);
  if (scale_ == o.scale_) return unscaled_ < o.unscaled_ ? -1 : (unscaled_ > o.unscaled_ ? 1 : 0);
  int sa = (unscaled_ > 0) - (unscaled_ < 0);
  int sb = (o.unscaled_ > 0) - (o.unscaled_ < 0);
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  int128 a = unscaled_, b = o.unscaled_;
  int128 sa_up, sb_up;
  if (scale_ < o.scale_ ? scale_up(a, o.scale_ - scale_, &sa_up)
                        : scale_up(b, scale_ - o.scale_, &sb_up)) {
    if (scale_ < o.scale_) return sa_up < b ? -1 : (sa_up > b ? 1 : 0);
    return a < sb_up ? -1 : (a > sb_up ? 1 : 0);
  }
  if (scale_ < o.scale_) {
    int128 x;
    if (!__builtin_mul_overflow(a, kPow10.v[o.scale_ - scale_], &x)) {
      return x < b ? -1 : (x > b ? 1 : 0);
    }
    // |a| scaled is larger than anything b can hold.
    return sa > 0 ? 1 : -1;
  }
  int128 y;
  if (!__builtin_mul_overflow(b, kPow10.v[scale_ - o.scale_], &y)) {
    return a < y ? -1 : (a > y ? 1 : 0);
  }
  return sa > 0 ? -1 : 1;
}

std::optional<int64_t> Decimal::to_int64() const {
  if (wide_) return DecimalWide::to_int64(*this);
  int128 q = scale_ == 0 ? unscaled_ : unscaled_ / kPow10.v[scale_];
  if (q > INT64_MAX || q < INT64_MIN) return std::nullopt;
  return static_cast<int64_t>(q);
}

double Decimal::to_double() const {
  std::string s = to_string();
  return std::strtod(s.c_str(), nullptr);
}

}  // namespace sluice
