#include "base/sort_key.h"

#include <charconv>
#include <cmath>
#include <string>

#include "base/symbol.h"

namespace sluice {
namespace {

// Bytes with 0x00 escaped as 0x00 0xFF and a 0x00 0x01 terminator: a prefix sorts first.
void put_escaped(const std::string& s, std::string& out) {
  for (char c : s) {
    out.push_back(c);
    if (c == '\0') out.push_back(static_cast<char>(0xFF));
  }
  out.push_back('\0');
  out.push_back('\x01');
}

// A non-zero number as sign, decimal exponent and significant digits: |v| = 0.DIGITS x 10^exp.
// digits: the decimal digits of |v| without leading or trailing zeros; point: how many of
// the written digits stood before the decimal point.
void put_number(bool negative, const std::string& written, int point, std::string& out) {
  size_t first = written.find_first_not_of('0');
  if (first == std::string::npos) {
    out.push_back(static_cast<char>(0x80));  // zero
    return;
  }
  size_t last = written.find_last_not_of('0');
  const int exp = point - static_cast<int>(first);
  const auto biased = static_cast<uint16_t>(exp + 0x8000);
  out.push_back(static_cast<char>(negative ? 0x40 : 0xC0));
  const uint16_t e = negative ? static_cast<uint16_t>(0xFFFF - biased) : biased;
  out.push_back(static_cast<char>(e >> 8));
  out.push_back(static_cast<char>(e & 0xFF));
  for (size_t i = first; i <= last; ++i) {
    auto d = static_cast<unsigned char>(written[i] - '0' + 1);  // 1..10, 0 ends the digits
    out.push_back(static_cast<char>(negative ? 0xFF - d : d));
  }
  out.push_back(static_cast<char>(negative ? 0xFF : 0x00));
}

// "[-]DIGITS[.DIGITS]" as put_number wants it.
void put_decimal_text(const std::string& text, std::string& out) {
  bool negative = !text.empty() && text[0] == '-';
  std::string digits;
  int point = -1;
  for (size_t i = negative ? 1 : 0; i < text.size(); ++i) {
    if (text[i] == '.') {
      point = static_cast<int>(digits.size());
    } else {
      digits.push_back(text[i]);
    }
  }
  if (point < 0) point = static_cast<int>(digits.size());
  put_number(negative, digits, point, out);
}

// A finite double as its shortest round-trip decimal (what Value::compare compares a Float
// with a Decimal as).
void put_float(double d, std::string& out) {
  if (std::isnan(d)) {
    out.push_back(static_cast<char>(0xE0));  // after every number
    return;
  }
  if (std::isinf(d)) {
    out.push_back(static_cast<char>(d < 0 ? 0x3F : 0xD0));
    return;
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), std::fabs(d), std::chars_format::scientific);
  std::string s(buf, r.ptr);
  size_t e = s.find('e');
  int exp10 = std::atoi(s.c_str() + e + 1);
  std::string digits = s.substr(0, 1) + (e > 2 ? s.substr(2, e - 2) : std::string());
  put_number(d < 0, digits, exp10 + 1, out);
}

void put_value(const Value& v, std::string& out, bool top);

void put_numeric(const Value& v, std::string& out) {
  switch (v.type()) {
    case Type::Int:
      put_decimal_text(std::to_string(v.as_int()), out);
      break;
    case Type::UInt:
      put_decimal_text(std::to_string(v.as_uint()), out);
      break;
    case Type::Decimal:
      put_decimal_text(v.as_decimal().to_string(), out);
      break;
    default:
      put_float(v.as_float(), out);
  }
}

void put_value(const Value& v, std::string& out, bool top) {
  switch (v.type()) {
    case Type::Null:
      out.push_back('\x01');
      return;
    case Type::Bool:
      out.push_back('\x02');
      out.push_back(v.as_bool() ? '\x01' : '\x00');
      return;
    case Type::Int:
    case Type::UInt:
    case Type::Float:
    case Type::Decimal:
      out.push_back('\x03');
      put_numeric(v, out);
      break;
    case Type::String:
      out.push_back('\x04');
      put_escaped(v.as_string(), out);
      return;
    case Type::Bytes:
      out.push_back('\x05');
      put_escaped(v.as_string(), out);
      return;
    case Type::Date:
    case Type::Time:
    case Type::DateTime:
    case Type::Timestamp:
      out.push_back('\x06');
      out.push_back(static_cast<char>(v.type()));
      append_ordered_i64(v.type() == Type::Date ? v.as_date() : v.as_micros(), out);
      return;
    case Type::List:
      out.push_back('\x07');
      for (const Value& x : v.as_list()) {
        out.push_back('\x01');
        put_value(x, out, false);
      }
      out.push_back('\x00');
      return;
    case Type::Object:
      out.push_back('\x08');
      for (const auto& f : v.as_object().fields()) {
        out.push_back('\x01');
        put_escaped(sym_name(f.name), out);
        put_value(f.value, out, false);
      }
      out.push_back('\x00');
      return;
  }
  // Numbers: at the top the type breaks a tie (ValueLess); inside lists and objects it does not.
  if (top) out.push_back(static_cast<char>(v.type()));
}

}  // namespace

void append_sort_key(const Value& v, std::string& out) { put_value(v, out, true); }

void append_be64(uint64_t v, std::string& out) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (i * 8)) & 0xFF));
}

uint64_t read_be64(std::string_view s) {
  if (s.size() < 8) return 0;
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(s[i]);
  return v;
}

}  // namespace sluice
