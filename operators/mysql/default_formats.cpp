#include "operators/mysql/default_formats.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace sluice::operators::mysql {
namespace {

bool fmt_digit(char ch) { return std::isdigit(static_cast<unsigned char>(ch)) != 0; }

// Adds one to a string of decimal digits ("199" -> "200", "99" -> "100").
std::string fmt_increment(std::string digits) {
  for (size_t i = digits.size(); i-- > 0;) {
    if (digits[i] != '9') {
      ++digits[i];
      return digits;
    }
    digits[i] = '0';
  }
  return "1" + digits;
}

// The groups of digits of a date / time text: "2020-1-2 3:04" -> {2020, 1, 2, 3, 4}.
std::vector<std::string> fmt_groups(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : text) {
    if (fmt_digit(ch)) {
      cur.push_back(ch);
    } else if (!cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::string fmt_pad(const std::string& digits, int width) {
  const long v = std::strtol(digits.c_str(), nullptr, 10);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*ld", width, v);
  return buf;
}

// ".123" for frac 3 (fraction digits cut or padded), "" for frac 0.
std::string fmt_fraction(std::string digits, int frac) {
  if (frac <= 0) return "";
  digits.resize(static_cast<size_t>(frac), '0');
  return "." + digits;
}

}  // namespace

std::string default_fixed(const std::string& number, int scale) {
  std::string s = number;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) s.erase(0, 1);
  if (s.find_first_of("eE") != std::string::npos) {
    char buf[400];
    std::snprintf(buf, sizeof buf, "%.*f", scale, std::strtod(s.c_str(), nullptr));
    return buf;
  }
  const bool negative = !s.empty() && s[0] == '-';
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.erase(0, 1);
  std::string whole, frac;
  size_t i = 0;
  while (i < s.size() && fmt_digit(s[i])) whole.push_back(s[i++]);
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && fmt_digit(s[i]); ++i) frac.push_back(s[i]);
  }
  frac.resize(static_cast<size_t>(scale) + 1, '0');
  std::string digits = whole + frac.substr(0, static_cast<size_t>(scale));
  if (digits.empty()) digits = "0";
  if (frac[static_cast<size_t>(scale)] >= '5') digits = fmt_increment(digits);
  std::string int_part = digits.substr(0, digits.size() - static_cast<size_t>(scale));
  while (int_part.size() > 1 && int_part[0] == '0') int_part.erase(0, 1);
  if (int_part.empty()) int_part = "0";
  const std::string frac_part = digits.substr(digits.size() - static_cast<size_t>(scale));
  const bool zero = int_part == "0" && frac_part.find_first_not_of('0') == std::string::npos;
  std::string out = (negative && !zero ? "-" : "") + int_part;
  return scale > 0 ? out + "." + frac_part : out;
}

std::string default_float(const std::string& number, bool single) {
  double v = std::strtod(number.c_str(), nullptr);
  if (single) v = static_cast<float>(v);
  if (v == 0) return "0";
  char buf[64];
  int digits = 1;
  for (; digits < 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*e", digits - 1, v);
    const double back = std::strtod(buf, nullptr);
    if (single ? static_cast<float>(back) == static_cast<float>(v) : back == v) break;
  }
  std::snprintf(buf, sizeof buf, "%.*e", digits - 1, v);
  const std::string sci = buf;
  const size_t e = sci.find('e');
  const int exp = std::atoi(sci.c_str() + e + 1);
  if (exp < -15 || exp >= 15) {  // MariaDB's my_gcvt: 'f' format for 15 > exponent >= -15
    std::string ex = std::to_string(exp);
    return sci.substr(0, e) + "e" + ex;
  }
  std::snprintf(buf, sizeof buf, "%.*f", std::max(0, digits - 1 - exp), v);
  return buf;
}

uint64_t default_radix_value(const std::string& digits, int radix) {
  return std::strtoull(digits.c_str(), nullptr, radix);
}

std::string default_bits(uint64_t v) {
  std::string bits;
  do {
    bits.insert(bits.begin(), static_cast<char>('0' + (v & 1)));
    v >>= 1;
  } while (v != 0);
  return "b'" + bits + "'";
}

std::string default_date(const std::string& text) {
  std::vector<std::string> g = fmt_groups(text);
  if (g.size() == 1 && g[0].size() == 8) g = {g[0].substr(0, 4), g[0].substr(4, 2), g[0].substr(6)};
  g.resize(3, "0");
  return fmt_pad(g[0], 4) + "-" + fmt_pad(g[1], 2) + "-" + fmt_pad(g[2], 2);
}

std::string default_datetime(const std::string& text, int frac) {
  std::vector<std::string> g = fmt_groups(text);
  if (g.size() == 1 && g[0].size() == 14) {
    const std::string& d = g[0];
    g = {d.substr(0, 4), d.substr(4, 2),  d.substr(6, 2),
         d.substr(8, 2), d.substr(10, 2), d.substr(12)};
  }
  const bool has_frac = g.size() > 6 && text.find('.') != std::string::npos;
  g.resize(7, "");
  const std::string date = default_date(g[0] + "-" + g[1] + "-" + g[2]);
  return date + " " + fmt_pad(g[3], 2) + ":" + fmt_pad(g[4], 2) + ":" + fmt_pad(g[5], 2) +
         fmt_fraction(has_frac ? g[6] : "", frac);
}

std::string default_time(const std::string& text, int frac) {
  const bool negative = !text.empty() && text[0] == '-';
  const size_t dot = text.find('.');
  const std::string clock = text.substr(0, dot);
  const std::string fraction = dot == std::string::npos ? "" : text.substr(dot + 1);
  std::vector<std::string> g = fmt_groups(clock);
  if (clock.find(':') == std::string::npos && g.size() == 1) {
    std::string d = std::string(6 - std::min<size_t>(6, g[0].size()), '0') + g[0];
    g = {d.substr(0, d.size() - 4), d.substr(d.size() - 4, 2), d.substr(d.size() - 2)};
  }
  while (g.size() < 3) g.push_back("0");
  if (g.size() > 3) {  // "D hh:mm:ss"
    const long h =
        std::strtol(g[0].c_str(), nullptr, 10) * 24 + std::strtol(g[1].c_str(), nullptr, 10);
    g = {std::to_string(h), g[2], g[3]};
  }
  return (negative ? "-" : "") + fmt_pad(g[0], 2) + ":" + fmt_pad(g[1], 2) + ":" +
         fmt_pad(g[2], 2) +
         fmt_fraction(fmt_groups(fraction).empty() ? "" : fmt_groups(fraction)[0], frac);
}

}  // namespace sluice::operators::mysql
