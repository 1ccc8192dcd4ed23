#include "operators/aggregate/state_codec.h"

#include <cstring>
#include <string_view>

namespace sluice::operators::state_codec {
namespace {

void put_u128(unsigned __int128 v, std::string& out) {
  char buf[48];
  int n = 0;
  while (v > UINT64_MAX) {  // 128-bit division only for the digits beyond 64 bits
    buf[n++] = static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  }
  auto w = static_cast<uint64_t>(v);
  do {
    buf[n++] = static_cast<char>('0' + static_cast<int>(w % 10));
    w /= 10;
  } while (w != 0);
  out.append(std::string_view(buf, static_cast<size_t>(n)).rbegin(),
             std::string_view(buf, static_cast<size_t>(n)).rend());
}

void put_code_int(char code, int64_t v, std::string& out) {
  out.push_back(code);
  put_int(v, out);
}

}  // namespace

void put_i128(int128 v, std::string& out) {
  if (v < 0) {
    out.push_back('-');
    put_u128(static_cast<unsigned __int128>(0) - static_cast<unsigned __int128>(v), out);
  } else {
    put_u128(static_cast<unsigned __int128>(v), out);
  }
  out.push_back(';');
}

void put_int(int64_t v, std::string& out) { put_i128(v, out); }

void put_uint(uint64_t v, std::string& out) {
  put_u128(v, out);
  out.push_back(';');
}

void put_str(std::string_view s, std::string& out) {
  put_u128(s.size(), out);
  out.push_back(':');
  out.append(s.data(), s.size());
}

void put(const Value& v, std::string& out) {
  switch (v.type()) {
    case Type::Null:
      out.push_back('n');
      return;
    case Type::Bool:
      out.push_back(v.as_bool() ? 't' : 'f');
      return;
    case Type::Int:
      put_code_int('i', v.as_int(), out);
      return;
    case Type::UInt:
      out.push_back('u');
      put_uint(v.as_uint(), out);
      return;
    case Type::Float: {
      uint64_t bits;
      double d = v.as_float();
      std::memcpy(&bits, &d, sizeof bits);
      static const char* hex = "0123456789abcdef";
      out.push_back('F');
      for (int i = 15; i >= 0; --i) out.push_back(hex[(bits >> (i * 4)) & 0xf]);
      out.push_back(';');
      return;
    }
    case Type::Decimal:
      out.push_back('d');
      out += v.as_decimal().to_string();
      out.push_back(';');
      return;
    case Type::String:
      out.push_back('s');
      put_str(v.as_string(), out);
      return;
    case Type::Bytes:
      out.push_back('b');
      put_str(v.as_string(), out);
      return;
    case Type::Date:
      put_code_int('D', v.as_date(), out);
      return;
    case Type::Time:
      put_code_int('T', v.as_micros(), out);
      return;
    case Type::DateTime:
      put_code_int('M', v.as_micros(), out);
      return;
    case Type::Timestamp:
      put_code_int('Z', v.as_micros(), out);
      return;
    case Type::Object: {
      const Object& o = v.as_object();
      out.push_back('o');
      put_uint(o.size(), out);
      for (const Field& f : o.fields()) {
        put_str(sym_name(f.name), out);
        put(f.value, out);
      }
      return;
    }
    case Type::List: {
      const List& l = v.as_list();
      out.push_back('l');
      put_uint(l.size(), out);
      for (const Value& x : l) put(x, out);
      return;
    }
  }
}

bool Reader::expect(char c) {
  if (ok_ && pos_ < s_.size() && s_[pos_] == c) {
    ++pos_;
    return true;
  }
  return false;
}

bool Reader::digits(bool allow_sign, std::string_view& out, char end) {
  size_t start = pos_;
  if (allow_sign && pos_ < s_.size() && s_[pos_] == '-') ++pos_;
  size_t first = pos_;
  while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
  if (pos_ == first || pos_ >= s_.size() || s_[pos_] != end) {
    ok_ = false;
    return false;
  }
  out = s_.substr(start, pos_ - start);
  ++pos_;
  return true;
}

int128 Reader::i128() {
  std::string_view d;
  if (!ok_ || !digits(true, d, ';')) return 0;
  bool neg = d[0] == '-';
  unsigned __int128 v = 0;
  for (size_t i = neg ? 1 : 0; i < d.size(); ++i) v = v * 10 + static_cast<unsigned>(d[i] - '0');
  return neg ? -static_cast<int128>(v) : static_cast<int128>(v);
}

int64_t Reader::int64() { return static_cast<int64_t>(i128()); }

uint64_t Reader::uint64() {
  std::string_view d;
  if (!ok_ || !digits(false, d, ';')) return 0;
  uint64_t v = 0;
  for (char c : d) v = v * 10 + static_cast<uint64_t>(c - '0');
  return v;
}

std::string Reader::str() {
  std::string_view d;
  if (!ok_ || !digits(false, d, ':')) return {};
  size_t n = 0;
  for (char c : d) n = n * 10 + static_cast<size_t>(c - '0');
  if (n > s_.size() - pos_) {
    ok_ = false;
    return {};
  }
  std::string r(s_.substr(pos_, n));
  pos_ += n;
  return r;
}

Value Reader::value() {
  if (!ok_ || pos_ >= s_.size()) {
    ok_ = false;
    return {};
  }
  char c = s_[pos_++];
  switch (c) {
    case 'n':
      return Value::null();
    case 't':
      return Value::boolean(true);
    case 'f':
      return Value::boolean(false);
    case 'i':
      return Value::int64(int64());
    case 'u':
      return Value::uint64(uint64());
    case 'F': {
      if (s_.size() - pos_ < 17 || s_[pos_ + 16] != ';') {
        ok_ = false;
        return {};
      }
      uint64_t bits = 0;
      for (int i = 0; i < 16; ++i) {
        char h = s_[pos_ + static_cast<size_t>(i)];
        int v = h >= '0' && h <= '9' ? h - '0' : (h >= 'a' && h <= 'f' ? h - 'a' + 10 : -1);
        if (v < 0) {
          ok_ = false;
          return {};
        }
        bits = (bits << 4) | static_cast<uint64_t>(v);
      }
      pos_ += 17;
      double d;
      std::memcpy(&d, &bits, sizeof d);
      return Value::float64(d);
    }
    case 'd': {
      size_t end = s_.find(';', pos_);
      if (end == std::string_view::npos) {
        ok_ = false;
        return {};
      }
      auto dec = Decimal::parse(s_.substr(pos_, end - pos_));
      pos_ = end + 1;
      if (!dec) {
        ok_ = false;
        return {};
      }
      return Value::decimal(*dec);
    }
    case 's':
      return Value::string(str());
    case 'b':
      return Value::bytes(str());
    case 'D':
      return Value::date(static_cast<int32_t>(int64()));
    case 'T':
      return Value::time(int64());
    case 'M':
      return Value::datetime(int64());
    case 'Z':
      return Value::timestamp(int64());
    case 'o': {
      uint64_t n = uint64();
      Object o;
      o.reserve(static_cast<size_t>(std::min<uint64_t>(n, 1024)));
      for (uint64_t i = 0; i < n && ok_; ++i) {
        std::string name = str();
        Value v = value();
        o.append(intern(name), std::move(v));
      }
      return Value::object(std::move(o));
    }
    case 'l': {
      uint64_t n = uint64();
      List l;
      l.reserve(static_cast<size_t>(std::min<uint64_t>(n, 1024)));
      for (uint64_t i = 0; i < n && ok_; ++i) l.push_back(value());
      return Value::list(std::move(l));
    }
    default:
      ok_ = false;
      return {};
  }
}

}  // namespace sluice::operators::state_codec
