#include "operators/mysql/temporal_decoder.h"

#include "base/temporal.h"

namespace sluice::operators::mysql {

namespace {

void append2(std::string& s, unsigned v) {
  s.push_back(static_cast<char>('0' + v / 10 % 10));
  s.push_back(static_cast<char>('0' + v % 10));
}

// "[-]HH:MM:SS" (more hour digits from 100 hours on).
std::string hms_text(bool neg, unsigned hour, unsigned minute, unsigned second) {
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
  return s;
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

// A day the calendar has. MariaDB stores others too: zero dates and zero months or days
// (sql_mode without NO_ZERO_DATE / NO_ZERO_IN_DATE) and days past the month's end
// (ALLOW_INVALID_DATES, 2024-02-30); they are null, as the snapshot reads them.
bool valid_date(unsigned y, unsigned m, unsigned d) {
  return y <= 9999 && d >= 1 && d <= temporal::days_in_month(static_cast<int>(y), m);
}

// TIME2 with fsp 1 to 4: HH:MM:SS in 3 bytes, then the fraction in `bytes` bytes (in `unit`
// microseconds), signed together.
int64_t time2_with_fraction(ByteReader& r, size_t bytes, int64_t unit) {
  int64_t intpart = static_cast<int64_t>(r.be(3)) - 0x800000;
  int64_t frac = static_cast<int64_t>(r.be(bytes));
  if (intpart < 0 && frac) {
    ++intpart;
    frac -= int64_t{1} << (8 * bytes);
  }
  return intpart * (int64_t{1} << 24) + frac * unit;
}

// TIME2 as one signed number: the HH:MM:SS bit fields << 24 | microseconds.
int64_t time2_packed(const uint8_t* p, int fsp) {
  ByteReader r(p, 6);
  switch (fsp) {
    case 1:
    case 2:
      return time2_with_fraction(r, 1, 10000);
    case 3:
    case 4:
      return time2_with_fraction(r, 2, 100);
    case 5:
    case 6:
      return static_cast<int64_t>(r.be(6)) - 0x800000000000LL;
    default:
      return (static_cast<int64_t>(r.be(3)) - 0x800000) * (int64_t{1} << 24);
  }
}

}  // namespace

std::string decode_time2(const uint8_t* p, int fsp) {
  int64_t packed = time2_packed(p, fsp);
  bool neg = packed < 0;
  if (neg) packed = -packed;
  int64_t hms = packed >> 24;
  int64_t micros = packed % (int64_t{1} << 24);
  unsigned hour = static_cast<unsigned>((hms >> 12) % (1 << 10));
  unsigned minute = static_cast<unsigned>((hms >> 6) % (1 << 6));
  unsigned second = static_cast<unsigned>(hms % (1 << 6));
  std::string s = hms_text(neg, hour, minute, second);
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

result<Value> date_value(const Column& c, ByteReader& r, DecodeStats& stats) {
  uint32_t v = static_cast<uint32_t>(r.le(3));
  unsigned d = v & 31, m = (v >> 5) & 15, y = v >> 9;
  if (r.failed()) return truncated_value(c);
  if (!valid_date(y, m, d)) return zero_date(stats);
  return Value::date(temporal::days_from_civil(static_cast<int>(y), m, d));
}

result<Value> time_value(const Column&, ByteReader& r, DecodeStats&) {
  int64_t v = static_cast<int64_t>(r.le(3));
  if (v & 0x800000) v -= 0x1000000;
  bool neg = v < 0;
  if (neg) v = -v;
  return Value::string(hms_text(neg, static_cast<unsigned>(v / 10000),
                                static_cast<unsigned>(v / 100 % 100),
                                static_cast<unsigned>(v % 100)));
}

result<Value> time2_value(const Column& c, ByteReader& r, DecodeStats&) {
  size_t n = 3 + static_cast<size_t>((c.fsp + 1) / 2);
  if (!r.has(n)) return truncated_value(c);
  std::string s = decode_time2(r.ptr(), c.fsp);
  r.skip(n);
  return Value::string(std::move(s));
}

result<Value> datetime_value(const Column&, ByteReader& r, DecodeStats& stats) {
  uint64_t v = r.le(8);
  uint64_t d = v / 1000000, t = v % 1000000;
  unsigned year = static_cast<unsigned>(d / 10000), month = static_cast<unsigned>(d / 100 % 100),
           day = static_cast<unsigned>(d % 100);
  if (!valid_date(year, month, day)) return zero_date(stats);
  int64_t secs = static_cast<int64_t>(t / 10000 * 3600 + t / 100 % 100 * 60 + t % 100);
  return Value::datetime(
      (temporal::days_from_civil(static_cast<int>(year), month, day) * 86400LL + secs) * 1000000);
}

result<Value> datetime2_value(const Column& c, ByteReader& r, DecodeStats& stats) {
  uint64_t packed = r.be(5);
  int64_t frac = read_fraction(r, c.fsp);
  if (r.failed()) return truncated_value(c);
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

result<Value> timestamp_value(const Column&, ByteReader& r, DecodeStats& stats) {
  uint64_t secs = r.le(4);
  if (secs == 0) return zero_date(stats);
  return Value::timestamp(static_cast<int64_t>(secs) * 1000000);
}

result<Value> timestamp2_value(const Column& c, ByteReader& r, DecodeStats& stats) {
  uint64_t secs = r.be(4);
  int64_t frac = read_fraction(r, c.fsp);
  if (r.failed()) return truncated_value(c);
  if (secs == 0 && frac == 0) return zero_date(stats);
  return Value::timestamp(static_cast<int64_t>(secs) * 1000000 + frac);
}

}  // namespace sluice::operators::mysql
