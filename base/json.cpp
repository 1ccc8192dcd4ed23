#include "base/json.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "base/temporal.h"
#include "base/utf8.h"

namespace sluice::json {
namespace {

const char kHex[] = "0123456789abcdef";

void encode_into(const Value& v, std::string& out) {
  switch (v.type()) {
    case Type::Null:
      out += "null";
      return;
    case Type::Bool:
      out += v.as_bool() ? "true" : "false";
      return;
    case Type::Int: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof(buf), v.as_int());
      out.append(buf, r.ptr);
      return;
    }
    case Type::UInt: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof(buf), v.as_uint());
      out.append(buf, r.ptr);
      return;
    }
    case Type::Float: {
      double d = v.as_float();
      if (std::isnan(d) || std::isinf(d)) {
        out += "null";
      } else {
        format_float(d, out);
      }
      return;
    }
    case Type::Decimal:
      out += v.as_decimal().to_string();
      return;
    case Type::String:
      encode_string(v.as_string(), out);
      return;
    case Type::Bytes:
      out.push_back('"');
      out += base64_encode(v.as_string());
      out.push_back('"');
      return;
    case Type::Date:
      out.push_back('"');
      out += temporal::format_date(v.as_date());
      out.push_back('"');
      return;
    case Type::Time:
      out.push_back('"');
      out += temporal::format_time(v.as_micros());
      out.push_back('"');
      return;
    case Type::DateTime:
      out.push_back('"');
      out += temporal::format_datetime(v.as_micros());
      out.push_back('"');
      return;
    case Type::Timestamp:
      out.push_back('"');
      out += temporal::format_timestamp(v.as_micros());
      out.push_back('"');
      return;
    case Type::Object: {
      out.push_back('{');
      bool first = true;
      for (const auto& f : v.as_object().fields()) {
        if (!first) out.push_back(',');
        first = false;
        encode_string(sym_name(f.name), out);
        out.push_back(':');
        encode_into(f.value, out);
      }
      out.push_back('}');
      return;
    }
    case Type::List: {
      out.push_back('[');
      bool first = true;
      for (const auto& e : v.as_list()) {
        if (!first) out.push_back(',');
        first = false;
        encode_into(e, out);
      }
      out.push_back(']');
      return;
    }
  }
}

// A number's significant digits (no leading or trailing zeros), its sign and the power of ten
// of its last digit: "-1.50e3" and "-15e2" give {true, "15", 2}; zero gives {false, "", 0}.
struct NumberDigits {
  bool negative = false;
  std::string digits;
  int64_t exp = 0;
  bool operator==(const NumberDigits& o) const {
    return negative == o.negative && digits == o.digits && exp == o.exp;
  }
};

NumberDigits number_digits(std::string_view t) {
  NumberDigits n;
  size_t i = 0;
  if (i < t.size() && (t[i] == '-' || t[i] == '+')) n.negative = t[i++] == '-';
  bool fraction = false;
  for (; i < t.size() && t[i] != 'e' && t[i] != 'E'; ++i) {
    if (t[i] == '.') {
      fraction = true;
      continue;
    }
    if (!n.digits.empty() || t[i] != '0') n.digits.push_back(t[i]);
    if (fraction) --n.exp;
  }
  if (i < t.size()) {  // the exponent (at most 9 digits count: beyond, no double is equal)
    ++i;
    const bool minus = i < t.size() && t[i] == '-';
    if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
    int64_t e = 0;
    for (; i < t.size() && e < 1000000000; ++i) e = e * 10 + (t[i] - '0');
    n.exp += minus ? -e : e;
  }
  while (!n.digits.empty() && n.digits.back() == '0') {
    n.digits.pop_back();
    ++n.exp;
  }
  if (n.digits.empty()) n = NumberDigits{};
  return n;
}

// Whether two JSON number texts are the same number.
bool same_number(std::string_view a, std::string_view b) {
  return number_digits(a) == number_digits(b);
}

class Parser {
 public:
  explicit Parser(std::string_view t) : t_(t) {}

  result<Value> run() {
    Value v;
    if (!value(v, 0)) return error::permanent(err_);
    ws();
    if (i_ != t_.size()) {
      fail("unexpected text after the JSON value");
      return error::permanent(err_);
    }
    return v;
  }

 private:
  bool fail(const std::string& what) {
    if (err_.empty()) err_ = "invalid JSON: " + what + " at byte " + std::to_string(i_);
    return false;
  }
  void ws() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\n' || t_[i_] == '\r' || t_[i_] == '\t'))
      ++i_;
  }
  bool lit(std::string_view w) {
    if (t_.substr(i_, w.size()) != w) return fail("invalid literal");
    i_ += w.size();
    return true;
  }

  bool value(Value& out, int depth) {
    if (depth > 512) return fail("nesting too deep");
    ws();
    if (i_ >= t_.size()) return fail("unexpected end of input");
    char c = t_[i_];
    switch (c) {
      case '{':
        return object(out, depth);
      case '[':
        return list(out, depth);
      case '"': {
        std::string s;
        if (!string(s)) return false;
        out = Value::string(std::move(s));
        return true;
      }
      case 't':
        if (!lit("true")) return false;
        out = Value::boolean(true);
        return true;
      case 'f':
        if (!lit("false")) return false;
        out = Value::boolean(false);
        return true;
      case 'n':
        if (!lit("null")) return false;
        out = Value();
        return true;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return number(out);
        return fail(std::string("unexpected character '") + c + "'");
    }
  }

  bool object(Value& out, int depth) {
    ++i_;  // {
    Object obj;
    ws();
    if (i_ < t_.size() && t_[i_] == '}') {
      ++i_;
      out = Value::object(std::move(obj));
      return true;
    }
    std::string key;
    for (;;) {
      ws();
      if (i_ >= t_.size() || t_[i_] != '"') return fail("expected a string key");
      key.clear();
      if (!string(key)) return false;
      ws();
      if (i_ >= t_.size() || t_[i_] != ':') return fail("expected ':'");
      ++i_;
      Value v;
      if (!value(v, depth + 1)) return false;
      obj.set(intern(key), std::move(v));
      ws();
      if (i_ >= t_.size()) return fail("unexpected end of input in object");
      if (t_[i_] == ',') {
        ++i_;
        continue;
      }
      if (t_[i_] == '}') {
        ++i_;
        break;
      }
      return fail("expected ',' or '}'");
    }
    out = Value::object(std::move(obj));
    return true;
  }

  bool list(Value& out, int depth) {
    ++i_;  // [
    List l;
    ws();
    if (i_ < t_.size() && t_[i_] == ']') {
      ++i_;
      out = Value::list(std::move(l));
      return true;
    }
    for (;;) {
      Value v;
      if (!value(v, depth + 1)) return false;
      l.push_back(std::move(v));
      ws();
      if (i_ >= t_.size()) return fail("unexpected end of input in array");
      if (t_[i_] == ',') {
        ++i_;
        continue;
      }
      if (t_[i_] == ']') {
        ++i_;
        break;
      }
      return fail("expected ',' or ']'");
    }
    out = Value::list(std::move(l));
    return true;
  }

  bool hex4(uint32_t* out) {
    if (i_ + 4 > t_.size()) return fail("truncated \\u escape");
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = t_[i_ + k];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= c - '0';
      else if (c >= 'a' && c <= 'f')
        v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        v |= c - 'A' + 10;
      else
        return fail("invalid \\u escape");
    }
    i_ += 4;
    *out = v;
    return true;
  }

  bool string(std::string& s) {
    ++i_;  // opening quote
    for (;;) {
      size_t start = i_;
      while (i_ < t_.size() && t_[i_] != '"' && t_[i_] != '\\' &&
             static_cast<unsigned char>(t_[i_]) >= 0x20)
        ++i_;
      s.append(t_.data() + start, i_ - start);
      if (i_ >= t_.size()) return fail("unterminated string");
      char c = t_[i_];
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c != '\\') return fail("control character in string");
      ++i_;
      if (i_ >= t_.size()) return fail("unterminated string");
      char e = t_[i_++];
      switch (e) {
        case '"':
          s.push_back('"');
          break;
        case '\\':
          s.push_back('\\');
          break;
        case '/':
          s.push_back('/');
          break;
        case 'b':
          s.push_back('\b');
          break;
        case 'f':
          s.push_back('\f');
          break;
        case 'n':
          s.push_back('\n');
          break;
        case 'r':
          s.push_back('\r');
          break;
        case 't':
          s.push_back('\t');
          break;
        case 'u': {
          uint32_t cp = 0;
          if (!hex4(&cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (i_ + 2 > t_.size() || t_[i_] != '\\' || t_[i_ + 1] != 'u')
              return fail("unpaired surrogate in \\u escape");
            i_ += 2;
            uint32_t lo = 0;
            if (!hex4(&lo)) return false;
            if (lo < 0xDC00 || lo > 0xDFFF) return fail("invalid low surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail("unpaired surrogate in \\u escape");
          }
          append_utf8(s, cp);
          break;
        }
        default:
          --i_;
          return fail(std::string("invalid escape '\\") + e + "'");
      }
    }
  }

  bool number(Value& out) {
    size_t start = i_;
    if (t_[i_] == '-') ++i_;
    if (i_ >= t_.size() || t_[i_] < '0' || t_[i_] > '9') return fail("invalid number");
    if (t_[i_] == '0') {
      ++i_;
    } else {
      while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') ++i_;
    }
    bool exact_int = true;
    if (i_ < t_.size() && t_[i_] == '.') {
      exact_int = false;
      ++i_;
      size_t d = i_;
      while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') ++i_;
      if (i_ == d) return fail("digits expected after '.'");
    }
    if (i_ < t_.size() && (t_[i_] == 'e' || t_[i_] == 'E')) {
      exact_int = false;
      ++i_;
      if (i_ < t_.size() && (t_[i_] == '+' || t_[i_] == '-')) ++i_;
      size_t d = i_;
      while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') ++i_;
      if (i_ == d) return fail("digits expected in exponent");
    }
    std::string_view text = t_.substr(start, i_ - start);
    if (exact_int) {
      int64_t iv;
      auto r = std::from_chars(text.data(), text.data() + text.size(), iv);
      if (r.ec == std::errc() && r.ptr == text.data() + text.size()) {
        out = Value::int64(iv);
        return true;
      }
      if (text[0] != '-') {
        uint64_t uv;
        auto r2 = std::from_chars(text.data(), text.data() + text.size(), uv);
        if (r2.ec == std::errc() && r2.ptr == text.data() + text.size()) {
          out = Value::uint64(uv);
          return true;
        }
      }
    }
    if (auto d = Decimal::parse(text)) {
      out = Value::decimal(*d);
      return true;
    }
    // Beyond an exact decimal (76 digits): a double, where it gives back the same number.
    const double d = std::strtod(std::string(text).c_str(), nullptr);
    std::string back;
    if (std::isfinite(d)) format_float(d, back);
    if (back.empty() || !same_number(back, text)) {
      return fail("the number " + std::string(text.substr(0, 40)) +
                  (text.size() > 40 ? "..." : "") +
                  " has no exact form here (more than 76 digits, and no double is equal to it)");
    }
    out = Value::float64(d);
    return true;
  }

  std::string_view t_;
  size_t i_ = 0;
  std::string err_;
};

const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

void encode(const Value& v, std::string& out) { encode_into(v, out); }

std::string encode(const Value& v) {
  std::string out;
  encode_into(v, out);
  return out;
}

void encode_string(std::string_view s, std::string& out) {
  out.reserve(out.size() + s.size() + 2);
  out.push_back('"');
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + start, i - start);
    start = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
  }
  out.append(s.data() + start, s.size() - start);
  out.push_back('"');
}

result<Value> parse(std::string_view text) { return Parser(text).run(); }

std::string base64_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out.push_back(kB64[v >> 18]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(kB64[(v >> 6) & 63]);
    out.push_back(kB64[v & 63]);
  }
  size_t rest = in.size() - i;
  if (rest == 1) {
    uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    out.push_back(kB64[v >> 18]);
    out.push_back(kB64[(v >> 12) & 63]);
    out += "==";
  } else if (rest == 2) {
    uint32_t v =
        (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out.push_back(kB64[v >> 18]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(kB64[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

result<std::string> base64_decode(std::string_view text) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t acc = 0;
  int bits = 0;
  size_t i = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '=') break;
    int v = val(c);
    if (v < 0) return error::permanent("invalid base64 at byte " + std::to_string(i));
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  for (; i < text.size(); ++i) {
    if (text[i] != '=') return error::permanent("invalid base64 at byte " + std::to_string(i));
  }
  return out;
}

}  // namespace sluice::json
