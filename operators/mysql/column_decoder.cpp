#include "operators/mysql/column_decoder.h"

#include <cstring>

#include "engine/value/json.h"
#include "engine/value/temporal.h"
#include "operators/mysql/geometry_value.h"
#include "operators/mysql/json_binary.h"

namespace sluice::operators::mysql {

namespace {

constexpr int kDig2Bytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};

// cp1252 0x80..0x9F (MySQL's latin1); 0 = undefined, kept as the latin1 code point.
constexpr uint16_t kCp1252[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                  0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

void put_utf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

Value text_value(const Column& c, std::string_view raw) {
  if (c.collation == kBinaryCollation) return Value::bytes(std::string(raw));
  if (is_latin1_collation(c.collation)) {
    std::string s;
    latin1_to_utf8(raw, s);
    return Value::string(std::move(s));
  }
  return Value::string(std::string(raw));
}

void append2(std::string& s, unsigned v) {
  s.push_back(static_cast<char>('0' + v / 10 % 10));
  s.push_back(static_cast<char>('0' + v % 10));
}

// Fraction of TIME2/DATETIME2/TIMESTAMP2: fsp digits in (fsp+1)/2 big-endian bytes -> micros.
int64_t read_fraction(ByteReader& r, int fsp) {
  switch (fsp) {
    case 1:
    case 2:
      return static_cast<int64_t>(r.be(1)) * 10000;
    case 3:
    case 4:
      return static_cast<int64_t>(r.be(2)) * 100;
    case 5:
    case 6:
      return static_cast<int64_t>(r.be(3));
    default:
      return 0;
  }
}

Value zero_date(DecodeStats& stats) {
  ++stats.zero_dates;
  return Value::null();
}

bool valid_date(unsigned y, unsigned m, unsigned d) {
  return m >= 1 && m <= 12 && d >= 1 && d <= 31 && y <= 9999;
}

}  // namespace

void latin1_to_utf8(std::string_view in, std::string& out) {
  out.reserve(out.size() + in.size() + 8);
  for (unsigned char ch : in) {
    if (ch < 0x80) {
      out.push_back(static_cast<char>(ch));
    } else if (ch < 0xA0 && kCp1252[ch - 0x80] != 0) {
      put_utf8(kCp1252[ch - 0x80], out);
    } else {
      put_utf8(ch, out);
    }
  }
}

size_t decimal_binary_size(int precision, int scale) {
  // MySQL's DECIMAL is at most (65,30) with scale <= precision; any other pair (a damaged
  // TABLE_MAP or JSON value) has no binary form: 0, which decode_decimal refuses.
  if (precision < 1 || precision > 65 || scale < 0 || scale > 30 || scale > precision) return 0;
  int intg = precision - scale;
  return static_cast<size_t>((intg / 9) * 4 + kDig2Bytes[intg % 9] + (scale / 9) * 4 +
                             kDig2Bytes[scale % 9]);
}

result<Decimal> decode_decimal(const uint8_t* p, int precision, int scale, size_t* consumed) {
  size_t size = decimal_binary_size(precision, scale);
  *consumed = size;
  uint8_t buf[40];
  if (size == 0 || size > sizeof(buf)) return error::permanent("bad DECIMAL size");
  std::memcpy(buf, p, size);
  bool negative = (buf[0] & 0x80) == 0;
  buf[0] ^= 0x80;
  if (negative) {
    for (size_t i = 0; i < size; ++i) buf[i] = static_cast<uint8_t>(~buf[i]);
  }
  static constexpr uint32_t kPow10[10] = {1,      10,      100,      1000,      10000,
                                          100000, 1000000, 10000000, 100000000, 1000000000};
  // The groups in order: the leading digits of the integer part, its groups of 9, the fraction's
  // groups of 9, its trailing digits; each a big-endian number below 10^digits (else the bytes
  // are not a DECIMAL: a damaged event, which must not overflow what the digits are added to).
  int intg = precision - scale;
  int intg0 = intg / 9, intg0x = intg % 9, frac0 = scale / 9, frac0x = scale % 9;
  uint32_t groups[16];
  int ndigits[16];
  int ngroups = 0;
  auto add = [&](int n) {
    if (n > 0) ndigits[ngroups++] = n;
  };
  add(intg0x);
  for (int i = 0; i < intg0; ++i) add(9);
  const int int_groups = ngroups;
  for (int i = 0; i < frac0; ++i) add(9);
  add(frac0x);
  size_t off = 0;
  for (int g = 0; g < ngroups; ++g) {
    uint32_t v = 0;
    for (int i = 0; i < kDig2Bytes[ndigits[g]]; ++i) v = (v << 8) | buf[off++];
    if (v >= kPow10[ndigits[g]]) {
      return error::permanent("DECIMAL(" + std::to_string(precision) + "," + std::to_string(scale) +
                              ") bytes hold " + std::to_string(v) + " in a group of " +
                              std::to_string(ndigits[g]) + " digits");
    }
    groups[g] = v;
  }
  if (precision <= Decimal::kMaxDigits) {  // fast path: the unscaled value fits as it is
    int128 u = 0;
    for (int g = 0; g < ngroups; ++g) u = u * kPow10[ndigits[g]] + groups[g];
    return Decimal(negative ? -u : u, scale);
  }
  // Wider than 38 digits: collect "[-]int.frac" as text and parse it exactly (at most 65 digits).
  char text[100];
  size_t nd = 0;
  if (negative) text[nd++] = '-';
  for (int g = 0; g < ngroups; ++g) {
    if (g == int_groups) text[nd++] = '.';
    uint32_t v = groups[g];
    for (int i = ndigits[g] - 1; i >= 0; --i) {
      text[nd + static_cast<size_t>(i)] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    nd += static_cast<size_t>(ndigits[g]);
  }
  if (int_groups == ngroups) text[nd++] = '.';
  auto d = Decimal::parse(std::string_view(text, nd));
  if (!d) {
    return error::permanent("DECIMAL(" + std::to_string(precision) + "," + std::to_string(scale) +
                            ") value " + std::string(text, nd) + " does not fit " +
                            std::to_string(Decimal::kMaxWideDigits) + " digits");
  }
  return *d;
}

std::string decode_time2(const uint8_t* p, int fsp) {
  ByteReader r(p, 6);
  int64_t packed = 0;
  switch (fsp) {
    case 1:
    case 2: {
      int64_t intpart = static_cast<int64_t>(r.be(3)) - 0x800000;
      int64_t frac = static_cast<int64_t>(r.be(1));
      if (intpart < 0 && frac) {
        ++intpart;
        frac -= 0x100;
      }
      packed = intpart * (int64_t{1} << 24) + frac * 10000;
      break;
    }
    case 3:
    case 4: {
      int64_t intpart = static_cast<int64_t>(r.be(3)) - 0x800000;
      int64_t frac = static_cast<int64_t>(r.be(2));
      if (intpart < 0 && frac) {
        ++intpart;
        frac -= 0x10000;
      }
      packed = intpart * (int64_t{1} << 24) + frac * 100;
      break;
    }
    case 5:
    case 6:
      packed = static_cast<int64_t>(r.be(6)) - 0x800000000000LL;
      break;
    default:
      packed = (static_cast<int64_t>(r.be(3)) - 0x800000) * (int64_t{1} << 24);
      break;
  }
  bool neg = packed < 0;
  if (neg) packed = -packed;
  int64_t hms = packed >> 24;
  int64_t micros = packed % (int64_t{1} << 24);
  unsigned hour = static_cast<unsigned>((hms >> 12) % (1 << 10));
  unsigned minute = static_cast<unsigned>((hms >> 6) % (1 << 6));
  unsigned second = static_cast<unsigned>(hms % (1 << 6));
  std::string s;
  if (neg) s.push_back('-');
  if (hour >= 100)
    s += std::to_string(hour);
  else
    append2(s, hour);
  s.push_back(':');
  append2(s, minute);
  s.push_back(':');
  append2(s, second);
  if (fsp > 0) {
    char f[7];
    int64_t v = micros;
    for (int i = 5; i >= 0; --i) {
      f[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    s.push_back('.');
    s.append(f, static_cast<size_t>(fsp));
  }
  return s;
}

result<Value> decode_column(const Column& c, ByteReader& r, DecodeStats& stats) {
  if ((c.type == kTime2 || c.type == kDateTime2 || c.type == kTimestamp2) && c.fsp > 6) {
    return error::permanent(std::string(column_type_name(c.type)) + " with " +
                            std::to_string(c.fsp) + " fraction digits (at most 6)");
  }
  switch (c.type) {
    case kTiny: {
      uint64_t v = r.le(1);
      return c.is_unsigned ? Value::int64(static_cast<int64_t>(v))
                           : Value::int64(static_cast<int8_t>(v));
    }
    case kShort: {
      uint64_t v = r.le(2);
      return c.is_unsigned ? Value::int64(static_cast<int64_t>(v))
                           : Value::int64(static_cast<int16_t>(v));
    }
    case kInt24: {
      uint64_t v = r.le(3);
      if (c.is_unsigned) return Value::int64(static_cast<int64_t>(v));
      int64_t s = (v & 0x800000) ? static_cast<int64_t>(v) - 0x1000000 : static_cast<int64_t>(v);
      return Value::int64(s);
    }
    case kLong: {
      uint64_t v = r.le(4);
      return c.is_unsigned ? Value::int64(static_cast<int64_t>(v))
                           : Value::int64(static_cast<int32_t>(v));
    }
    case kLongLong: {
      uint64_t v = r.le(8);
      return c.is_unsigned ? Value::uint64(v) : Value::int64(static_cast<int64_t>(v));
    }
    case kFloat: {
      uint32_t bits = static_cast<uint32_t>(r.le(4));
      float f;
      std::memcpy(&f, &bits, 4);
      return Value::float64(static_cast<double>(f));
    }
    case kDouble: {
      uint64_t bits = r.le(8);
      double d;
      std::memcpy(&d, &bits, 8);
      return Value::float64(d);
    }
    case kYear: {
      uint64_t v = r.le(1);
      return Value::int64(v == 0 ? 0 : 1900 + static_cast<int64_t>(v));
    }
    case kNewDecimal: {
      size_t size = decimal_binary_size(c.precision, c.scale);
      if (!r.has(size)) break;
      size_t used = 0;
      auto d = decode_decimal(r.ptr(), c.precision, c.scale, &used);
      r.skip(used);
      if (!d.ok()) return d.err();
      return Value::decimal(*d);
    }
    case kBit: {
      size_t nbytes = (c.meta >> 8) + ((c.meta & 0xff) ? 1 : 0);
      if (nbytes > 8) return error::permanent("BIT wider than 64");
      return Value::uint64(r.be(nbytes));
    }
    case kDate:
    case kNewDate: {
      uint32_t v = static_cast<uint32_t>(r.le(3));
      unsigned d = v & 31, m = (v >> 5) & 15, y = v >> 9;
      if (r.failed()) break;
      if (!valid_date(y, m, d)) return zero_date(stats);
      return Value::date(temporal::days_from_civil(static_cast<int>(y), m, d));
    }
    case kTime2: {
      size_t n = 3 + static_cast<size_t>((c.fsp + 1) / 2);
      if (!r.has(n)) break;
      std::string s = decode_time2(r.ptr(), c.fsp);
      r.skip(n);
      return Value::string(std::move(s));
    }
    case kTime: {  // old format: HHMMSS as 3-byte integer
      int64_t v = static_cast<int64_t>(r.le(3));
      if (v & 0x800000) v -= 0x1000000;
      bool neg = v < 0;
      if (neg) v = -v;
      std::string s = neg ? "-" : "";
      unsigned h = static_cast<unsigned>(v / 10000);
      if (h >= 100)
        s += std::to_string(h);
      else
        append2(s, h);
      s.push_back(':');
      append2(s, static_cast<unsigned>(v / 100 % 100));
      s.push_back(':');
      append2(s, static_cast<unsigned>(v % 100));
      return Value::string(std::move(s));
    }
    case kDateTime2: {
      uint64_t packed = r.be(5);
      int64_t frac = read_fraction(r, c.fsp);
      if (r.failed()) break;
      int64_t intpart = static_cast<int64_t>(packed) - 0x8000000000LL;
      int64_t ymd = intpart >> 17, ym = ymd >> 5, hms = intpart % (1 << 17);
      unsigned day = static_cast<unsigned>(ymd % (1 << 5));
      unsigned month = static_cast<unsigned>(ym % 13);
      unsigned year = static_cast<unsigned>(ym / 13);
      if (!valid_date(year, month, day)) return zero_date(stats);
      int64_t secs = (hms >> 12) * 3600 + ((hms >> 6) % 64) * 60 + hms % 64;
      int64_t days = temporal::days_from_civil(static_cast<int>(year), month, day);
      return Value::datetime((days * 86400 + secs) * 1000000 + frac);
    }
    case kDateTime: {  // old format: YYYYMMDDHHMMSS as 8-byte integer
      uint64_t v = r.le(8);
      uint64_t d = v / 1000000, t = v % 1000000;
      unsigned year = static_cast<unsigned>(d / 10000),
               month = static_cast<unsigned>(d / 100 % 100), day = static_cast<unsigned>(d % 100);
      if (!valid_date(year, month, day)) return zero_date(stats);
      int64_t secs = static_cast<int64_t>(t / 10000 * 3600 + t / 100 % 100 * 60 + t % 100);
      return Value::datetime(
          (temporal::days_from_civil(static_cast<int>(year), month, day) * 86400LL + secs) *
          1000000);
    }
    case kTimestamp2: {
      uint64_t secs = r.be(4);
      int64_t frac = read_fraction(r, c.fsp);
      if (r.failed()) break;
      if (secs == 0 && frac == 0) return zero_date(stats);
      return Value::timestamp(static_cast<int64_t>(secs) * 1000000 + frac);
    }
    case kTimestamp: {
      uint64_t secs = r.le(4);
      if (secs == 0) return zero_date(stats);
      return Value::timestamp(static_cast<int64_t>(secs) * 1000000);
    }
    case kVarchar:
    case kVarString: {
      size_t n = static_cast<size_t>(r.le(c.length < 256 ? 1 : 2));
      std::string_view raw = r.bytes(n);
      if (r.failed()) break;
      return text_value(c, raw);
    }
    case kString: {
      if (c.real_type == kEnum) {
        uint64_t idx = r.le(c.length);
        if (r.failed()) break;
        if (idx == 0 || idx > c.labels.size()) {
          if (idx == 0) return Value::string("");
          return Value::string(std::to_string(idx));  // labels unknown
        }
        return Value::string(c.labels[idx - 1]);
      }
      if (c.real_type == kSet) {
        uint64_t bits = r.le(c.length);
        if (r.failed()) break;
        List l;
        for (size_t i = 0; i < 64; ++i) {
          if (!((bits >> i) & 1)) continue;
          if (i < c.labels.size())
            l.push_back(Value::string(c.labels[i]));
          else
            l.push_back(Value::string(std::to_string(i + 1)));
        }
        return Value::list(std::move(l));
      }
      size_t n = static_cast<size_t>(r.le(c.length < 256 ? 1 : 2));
      std::string_view raw = r.bytes(n);
      if (r.failed()) break;
      if (c.collation == kBinaryCollation) {  // BINARY(n): the binlog drops the 0x00 padding
        std::string b(raw);
        if (b.size() < c.length) b.resize(c.length, '\0');
        return Value::bytes(std::move(b));
      }
      return text_value(c, raw);
    }
    case kBlob:
    case kTinyBlob:
    case kMediumBlob:
    case kLongBlob: {
      size_t n = static_cast<size_t>(r.le(c.meta));
      std::string_view raw = r.bytes(n);
      if (r.failed()) break;
      if (c.is_json) {
        if (raw.empty()) return Value::null();
        auto v = json::parse(raw);
        if (!v.ok()) return error::permanent("invalid JSON text: " + v.err().message);
        return std::move(v).value();
      }
      return text_value(c, raw);
    }
    case kJson: {
      size_t n = static_cast<size_t>(r.le(c.meta));
      std::string_view raw = r.bytes(n);
      if (r.failed()) break;
      return decode_json_binary(reinterpret_cast<const uint8_t*>(raw.data()), raw.size());
    }
    case kGeometry: {
      size_t n = static_cast<size_t>(r.le(c.meta));
      std::string_view raw = r.bytes(n);
      if (r.failed()) break;
      return Value::bytes(geometry_bytes(raw));  // SRID + WKB -> WKB or EWKB
    }
    case kNull:
      return Value::null();
    default:
      return error::permanent(std::string("unsupported column type ") + column_type_name(c.type) +
                              " (" + std::to_string(c.type) + ")");
  }
  return error::permanent(std::string("truncated ") + column_type_name(c.type) + " value");
}

}  // namespace sluice::operators::mysql
