#include "base/temporal.h"

#include <atomic>
#include <chrono>

namespace sluice::temporal {
namespace {

constexpr int64_t kMicrosPerSec = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSec;

// Micros since the epoch as whole days (floored) and the micros of that day, for every int64:
// days * kMicrosPerDay of the floored quotient overflows at the ends of the range.
void split_days(int64_t micros, int64_t& days, int64_t& rem) {
  days = micros / kMicrosPerDay;
  rem = micros % kMicrosPerDay;
  if (rem < 0) {
    rem += kMicrosPerDay;
    --days;
  }
}

void put2(std::string& out, unsigned v) {
  out.push_back(static_cast<char>('0' + v / 10 % 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

void put_digits(std::string& out, int64_t v, int width) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n < width) buf[n++] = '0';
  while (n > 0) out.push_back(buf[--n]);
}

void put_date(std::string& out, int32_t days) {
  civil c = civil_from_days(days);
  int y = c.year;
  if (y < 0) {
    out.push_back('-');
    y = -y;
  }
  put_digits(out, y, 4);
  out.push_back('-');
  put2(out, c.month);
  out.push_back('-');
  put2(out, c.day);
}

void put_hms(std::string& out, int64_t secs_of_day) {
  put2(out, static_cast<unsigned>(secs_of_day / 3600));
  out.push_back(':');
  put2(out, static_cast<unsigned>(secs_of_day / 60 % 60));
  out.push_back(':');
  put2(out, static_cast<unsigned>(secs_of_day % 60));
}

// Reads exactly n digits at s[i]; advances i.
bool digits(std::string_view s, size_t& i, int n, int64_t* out) {
  if (i + n > s.size()) return false;
  int64_t v = 0;
  for (int k = 0; k < n; ++k) {
    char c = s[i + k];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  i += n;
  *out = v;
  return true;
}

bool parse_date_at(std::string_view s, size_t& i, int32_t* out) {
  int64_t y, m, d;
  if (!digits(s, i, 4, &y) || i >= s.size() || s[i++] != '-') return false;
  if (!digits(s, i, 2, &m) || i >= s.size() || s[i++] != '-') return false;
  if (!digits(s, i, 2, &d)) return false;
  if (m < 1 || m > 12 || d < 1 || d > days_in_month(static_cast<int>(y), m)) return false;
  *out = days_from_civil(static_cast<int>(y), static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

// HH:MM:SS[.f{1,9}] with hours of 1-3 digits when allow_long_hours.
bool parse_time_at(std::string_view s, size_t& i, bool long_hours, int64_t* out) {
  int64_t h = 0, m, sec;
  size_t start = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) h = h * 10 + (s[i++] - '0');
  size_t hd = i - start;
  if (hd == 0 || (!long_hours && hd != 2)) return false;
  if (!long_hours && h > 23) return false;
  if (i >= s.size() || s[i++] != ':') return false;
  if (!digits(s, i, 2, &m) || m > 59) return false;
  if (i >= s.size() || s[i++] != ':') return false;
  if (!digits(s, i, 2, &sec) || sec > 59) return false;
  int64_t frac = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (n < 6) frac = frac * 10 + (s[i] - '0');
      ++n;
      ++i;
    }
    if (n == 0) return false;
    for (int k = n; k < 6; ++k) frac *= 10;
  }
  *out = ((h * 60 + m) * 60 + sec) * kMicrosPerSec + frac;
  return true;
}

// What parse_at reads from the whole of s: nullopt when it fails or leaves characters over.
template <class T>
std::optional<T> parse_whole(std::string_view s, size_t i,
                             bool (*parse_at)(std::string_view, size_t&, T*)) {
  T v{};
  if (!parse_at(s, i, &v) || i != s.size()) return std::nullopt;
  return v;
}

}  // namespace

// Howard Hinnant's days_from_civil / civil_from_days.
int32_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

civil civil_from_days(int32_t days) {
  int z = days + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return civil{y + (m <= 2), m, d};
}

std::string format_date(int32_t days) {
  std::string out;
  out.reserve(10);
  put_date(out, days);
  return out;
}

std::string format_time(int64_t micros) {
  std::string out;
  out.reserve(16);
  uint64_t a;
  if (micros < 0) {
    out.push_back('-');
    a = static_cast<uint64_t>(-(micros + 1)) + 1;
  } else {
    a = static_cast<uint64_t>(micros);
  }
  uint64_t secs = a / kMicrosPerSec;
  uint64_t frac = a % kMicrosPerSec;
  uint64_t h = secs / 3600;
  if (h >= 100) {
    put_digits(out, static_cast<int64_t>(h), 2);
  } else {
    put2(out, static_cast<unsigned>(h));
  }
  out.push_back(':');
  put2(out, static_cast<unsigned>(secs / 60 % 60));
  out.push_back(':');
  put2(out, static_cast<unsigned>(secs % 60));
  if (frac != 0) {
    out.push_back('.');
    if (frac % 1000 == 0) {
      put_digits(out, static_cast<int64_t>(frac / 1000), 3);
    } else {
      put_digits(out, static_cast<int64_t>(frac), 6);
    }
  }
  return out;
}

void append_date(int32_t days, std::string& out) { put_date(out, days); }

void append_datetime(int64_t micros, std::string& out) {
  int64_t days = 0, rem = 0;
  split_days(micros, days, rem);
  put_date(out, static_cast<int32_t>(days));
  out.push_back('T');
  put_hms(out, rem / kMicrosPerSec);
  out.push_back('.');
  put_digits(out, rem % kMicrosPerSec, 6);
}

std::string format_datetime(int64_t micros) {
  std::string out;
  out.reserve(26);
  append_datetime(micros, out);
  return out;
}

std::string format_timestamp(int64_t micros) {
  int64_t days = 0, rem = 0;
  split_days(micros, days, rem);
  std::string out;
  out.reserve(24);
  put_date(out, static_cast<int32_t>(days));
  out.push_back('T');
  put_hms(out, rem / kMicrosPerSec);
  out.push_back('.');
  put_digits(out, rem % kMicrosPerSec / 1000, 3);
  out.push_back('Z');
  return out;
}

std::optional<int32_t> parse_date(std::string_view s) { return parse_whole(s, 0, parse_date_at); }

std::optional<int64_t> parse_time(std::string_view s) {
  const bool neg = !s.empty() && s[0] == '-';
  auto t = parse_whole<int64_t>(
      s, neg ? 1 : 0,
      +[](std::string_view v, size_t& i, int64_t* out) { return parse_time_at(v, i, true, out); });
  if (!t) return std::nullopt;
  return neg ? -*t : *t;
}

namespace {
bool parse_dt_prefix(std::string_view s, size_t& i, int64_t* out) {
  int32_t d;
  if (!parse_date_at(s, i, &d)) return false;
  int64_t t = 0;
  if (i < s.size() && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
    ++i;
    if (!parse_time_at(s, i, false, &t)) return false;
  }
  *out = static_cast<int64_t>(d) * kMicrosPerDay + t;
  return true;
}
}  // namespace

std::optional<int64_t> parse_datetime(std::string_view s) {
  return parse_whole(s, 0, parse_dt_prefix);
}

std::optional<int64_t> parse_timestamp(std::string_view s) {
  size_t i = 0;
  int64_t v;
  if (!parse_dt_prefix(s, i, &v)) return std::nullopt;
  if (i == s.size()) return v;
  if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) return v;
  if (s[i] == '+' || s[i] == '-') {
    int sign = s[i] == '-' ? -1 : 1;
    ++i;
    int64_t hh, mm = 0;
    if (!digits(s, i, 2, &hh)) return std::nullopt;
    if (i < s.size() && s[i] == ':') ++i;
    if (i < s.size() && !digits(s, i, 2, &mm)) return std::nullopt;
    if (i != s.size() || hh > 23 || mm > 59) return std::nullopt;
    return v - sign * (hh * 3600 + mm * 60) * kMicrosPerSec;
  }
  return std::nullopt;
}

namespace {
std::atomic<int64_t> g_fixed_clock{0};
}  // namespace

void fix_clock(int64_t micros) { g_fixed_clock.store(micros, std::memory_order_relaxed); }

int64_t now_micros() {
  if (int64_t fixed = g_fixed_clock.load(std::memory_order_relaxed); fixed != 0) return fixed;
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

unsigned days_in_month(int y, unsigned m) {
  static const unsigned d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return m >= 1 && m <= 12 ? d[m - 1] : 0;
}

}  // namespace sluice::temporal
