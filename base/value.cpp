#include "base/value.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "base/enum_names.h"
#include "base/json.h"
#include "base/temporal.h"

namespace sluice {

const char* type_name(Type t) {
  static constexpr const char* kNames[] = {"null",     "bool",      "int",    "uint", "float",
                                           "decimal",  "string",    "bytes",  "date", "time",
                                           "datetime", "timestamp", "object", "list"};
  static_assert(std::size(kNames) == enum_count(Type::List));
  return enum_name(t, kNames, "?");
}

// ---- construction ----
Value Value::boolean(bool b) {
  return with(Type::Bool, [b](U& u) { u.b = b; });
}
Value Value::int64(int64_t i) {
  return with(Type::Int, [i](U& u) { u.i = i; });
}
Value Value::uint64(uint64_t n) {
  return with(Type::UInt, [n](U& u) { u.u = n; });
}
Value Value::float64(double d) {
  return with(Type::Float, [d](U& u) { u.f = d; });
}
static_assert(sizeof(Value) == 32, "a wide decimal lives on the heap: Value stays 32 bytes");

Value Value::decimal(const Decimal& d) {
  Value v;
  v.type_ = Type::Decimal;
  v.dec_scale_ = static_cast<uint8_t>(d.scale());
  if (d.is_wide()) {
    v.dec_wide_ = true;
    v.u_.wdec = new Decimal(d);
  } else {
    v.u_.dec = d.unscaled();
  }
  return v;
}
Value Value::string(std::string s) {
  return with(Type::String, [&s](U& u) { u.str = new std::string(std::move(s)); });
}
Value Value::bytes(std::string b) {
  return with(Type::Bytes, [&b](U& u) { u.str = new std::string(std::move(b)); });
}
// Date: days since 1970-01-01; Time, DateTime, Timestamp: microseconds.
Value Value::date(int32_t days) {
  return with(Type::Date, [days](U& u) { u.i = days; });
}
Value Value::time(int64_t micros) {
  return with(Type::Time, [micros](U& u) { u.i = micros; });
}
Value Value::datetime(int64_t micros) {
  return with(Type::DateTime, [micros](U& u) { u.i = micros; });
}
Value Value::timestamp(int64_t micros) {
  return with(Type::Timestamp, [micros](U& u) { u.i = micros; });
}
Value Value::object(Object o) {
  return with(Type::Object, [&o](U& u) { u.obj = new Object(std::move(o)); });
}
Value Value::list(List l) {
  return with(Type::List, [&l](U& u) { u.list = new List(std::move(l)); });
}

void Value::destroy() noexcept {
  switch (type_) {
    case Type::String:
    case Type::Bytes:
      delete u_.str;
      break;
    case Type::Object:
      delete u_.obj;
      break;
    case Type::List:
      delete u_.list;
      break;
    case Type::Decimal:
      if (dec_wide_) delete u_.wdec;
      break;
    default:
      break;
  }
  type_ = Type::Null;
  dec_wide_ = false;
}

void Value::copy_heap(const Value& o) {
  switch (o.type_) {
    case Type::String:
    case Type::Bytes:
      u_.str = new std::string(*o.u_.str);
      break;
    case Type::Object:
      u_.obj = new Object(*o.u_.obj);
      break;
    case Type::List:
      u_.list = new List(*o.u_.list);
      break;
    case Type::Decimal:
      if (o.dec_wide_) {
        u_.wdec = new Decimal(*o.u_.wdec);
      } else {
        u_ = o.u_;
      }
      break;
    default:
      u_ = o.u_;
      break;
  }
}

Value& Value::operator=(const Value& o) {
  if (this == &o) return *this;
  if (type_ == o.type_ && (type_ == Type::String || type_ == Type::Bytes)) {
    *u_.str = *o.u_.str;  // reuse the buffer
    return *this;
  }
  Value tmp(o);
  destroy();
  type_ = tmp.type_;
  dec_scale_ = tmp.dec_scale_;
  dec_wide_ = tmp.dec_wide_;
  u_ = tmp.u_;
  tmp.type_ = Type::Null;
  return *this;
}

bool Value::is_numeric() const {
  return type_ == Type::Int || type_ == Type::UInt || type_ == Type::Float ||
         type_ == Type::Decimal;
}

// ---- equality, order, hash ----
bool Value::operator==(const Value& o) const {
  if (type_ != o.type_) return false;
  switch (type_) {
    case Type::Null:
      return true;
    case Type::Bool:
      return u_.b == o.u_.b;
    case Type::Int:
    case Type::UInt:
    case Type::Date:
    case Type::Time:
    case Type::DateTime:
    case Type::Timestamp:
      return u_.i == o.u_.i;
    case Type::Float:
      return u_.f == o.u_.f;
    case Type::Decimal:
      return as_decimal() == o.as_decimal();
    case Type::String:
    case Type::Bytes:
      return *u_.str == *o.u_.str;
    case Type::Object:
      return *u_.obj == *o.u_.obj;
    case Type::List:
      return *u_.list == *o.u_.list;
  }
  return false;
}

namespace {

int cmp3(int128 a, int128 b) { return a < b ? -1 : (a > b ? 1 : 0); }

int128 int_of(const Value& v) {
  return v.type() == Type::UInt ? static_cast<int128>(v.as_uint())
                                : static_cast<int128>(v.as_int());
}

// integer (as int128, |i| < 2^65) vs double
int cmp_int_float(int128 i, double d) {
  if (std::isnan(d)) return 2;
  if (d >= 1.7e38) return -1;
  if (d <= -1.7e38) return 1;
  double t = std::trunc(d);
  int128 ti = static_cast<int128>(t);
  if (i != ti) return i < ti ? -1 : 1;
  double frac = d - t;
  return frac > 0 ? -1 : (frac < 0 ? 1 : 0);
}

int cmp_dec_float(const Decimal& dec, double d) {
  if (std::isnan(d)) return 2;
  double dd = dec.to_double();
  if (dd < d) return -1;
  if (dd > d) return 1;
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), d);
  auto fd = Decimal::parse(std::string_view(buf, r.ptr - buf));
  if (!fd) return 0;
  return dec.compare(*fd);
}

// Values of different ranks order by rank; numbers compare across their types, and so do the
// temporal types among themselves (by type, then value).
int type_rank(Type t) {
  // In the order of Type: null, bool, int, uint, float, decimal, string, bytes, date, time,
  // datetime, timestamp, object, list.
  static constexpr uint8_t kRanks[] = {0, 1, 2, 2, 2, 2, 3, 4, 5, 5, 5, 5, 7, 6};
  static_assert(std::size(kRanks) == enum_count(Type::List));
  auto i = static_cast<size_t>(t);
  return i < std::size(kRanks) ? kRanks[i] : 8;
}

inline uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h;
}

uint64_t hash_bytes(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

int compare_numbers(const Value& a, const Value& b) {
  Type ta = a.type(), tb = b.type();
  bool ia = ta == Type::Int || ta == Type::UInt;
  bool ib = tb == Type::Int || tb == Type::UInt;
  if (ia && ib) return cmp3(int_of(a), int_of(b));
  if (ta == Type::Float && tb == Type::Float) {
    double x = a.as_float(), y = b.as_float();
    if (std::isnan(x) || std::isnan(y)) return 2;
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (ta == Type::Decimal && tb == Type::Decimal) return a.as_decimal().compare(b.as_decimal());
  if (ia && tb == Type::Decimal) return Decimal(int_of(a), 0).compare(b.as_decimal());
  if (ta == Type::Decimal && ib) return a.as_decimal().compare(Decimal(int_of(b), 0));
  if (ia && tb == Type::Float) return cmp_int_float(int_of(a), b.as_float());
  if (ta == Type::Float && ib) {
    int c = cmp_int_float(int_of(b), a.as_float());
    return c == 2 ? 2 : -c;
  }
  if (ta == Type::Decimal && tb == Type::Float) return cmp_dec_float(a.as_decimal(), b.as_float());
  if (ta == Type::Float && tb == Type::Decimal) {
    int c = cmp_dec_float(b.as_decimal(), a.as_float());
    return c == 2 ? 2 : -c;
  }
  return 2;
}

int Value::compare(const Value& a, const Value& b) {
  int ra = type_rank(a.type_), rb = type_rank(b.type_);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return a.u_.b == b.u_.b ? 0 : (a.u_.b ? 1 : -1);
    case 2: {
      int c = compare_numbers(a, b);
      if (c != 2) return c;
      bool na = a.type_ == Type::Float && std::isnan(a.u_.f);
      bool nb = b.type_ == Type::Float && std::isnan(b.u_.f);
      return na == nb ? 0 : (na ? 1 : -1);  // NaN sorts after every number
    }
    case 3:
    case 4: {
      int c = a.u_.str->compare(*b.u_.str);
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case 5:
      if (a.type_ != b.type_) return a.type_ < b.type_ ? -1 : 1;
      return a.u_.i < b.u_.i ? -1 : (a.u_.i > b.u_.i ? 1 : 0);
    case 6: {
      const List& x = *a.u_.list;
      const List& y = *b.u_.list;
      for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
        int c = compare(x[i], y[i]);
        if (c != 0) return c;
      }
      return x.size() == y.size() ? 0 : (x.size() < y.size() ? -1 : 1);
    }
    case 7: {
      const auto& x = a.u_.obj->fields();
      const auto& y = b.u_.obj->fields();
      for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
        if (x[i].name != y[i].name) {
          int c = sym_name(x[i].name).compare(sym_name(y[i].name));
          return c < 0 ? -1 : 1;
        }
        int c = compare(x[i].value, y[i].value);
        if (c != 0) return c;
      }
      return x.size() == y.size() ? 0 : (x.size() < y.size() ? -1 : 1);
    }
  }
  return 0;
}

size_t Value::hash() const {
  uint64_t h = static_cast<uint64_t>(type_) * 0x100000001b3ULL + 7;
  switch (type_) {
    case Type::Null:
      break;
    case Type::Bool:
      h = mix(h, u_.b ? 1 : 0);
      break;
    case Type::Int:
    case Type::UInt:
    case Type::Date:
    case Type::Time:
    case Type::DateTime:
    case Type::Timestamp:
      h = mix(h, u_.u);
      break;
    case Type::Float: {
      double d = u_.f == 0.0 ? 0.0 : u_.f;  // -0.0 == 0.0
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof(bits));
      h = mix(h, bits);
      break;
    }
    case Type::Decimal: {
      // Normalize trailing zeros so 1.5 and 1.50 hash alike (in either representation).
      int128 v = u_.dec;
      if (dec_wide_) {
        std::string digits = u_.wdec->unscaled_digits();
        digits.erase(digits.find_last_not_of('0') + 1);
        if (digits.size() > static_cast<size_t>(Decimal::kMaxDigits)) {
          h = mix(h, hash_bytes(digits) ^ (u_.wdec->sign() < 0 ? 1 : 0));
          break;
        }
        v = Decimal::parse(digits)->unscaled() * u_.wdec->sign();
      } else if (v != 0) {
        while (v % 10 == 0) v /= 10;
      }
      auto uv = static_cast<unsigned __int128>(v);
      h = mix(h, static_cast<uint64_t>(uv));
      h = mix(h, static_cast<uint64_t>(uv >> 64));
      break;
    }
    case Type::String:
    case Type::Bytes:
      h = mix(h, hash_bytes(*u_.str));
      break;
    case Type::List:
      for (const auto& e : *u_.list) h = mix(h, e.hash());
      break;
    case Type::Object: {
      uint64_t acc = 0;  // order-insensitive, like ==
      for (const auto& f : u_.obj->fields()) acc += mix(f.name * 0x9e3779b1ULL, f.value.hash());
      h = mix(h, acc);
      break;
    }
  }
  return static_cast<size_t>(h);
}

void format_float(double d, std::string& out) {
  if (std::isnan(d)) {
    out += "NaN";
    return;
  }
  if (std::isinf(d)) {
    out += d < 0 ? "-Infinity" : "Infinity";
    return;
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), d);
  std::string_view s(buf, r.ptr - buf);
  out.append(s);
  if (s.find_first_of(".eEn") == std::string_view::npos) out += ".0";
}

std::string Value::to_display() const {
  switch (type_) {
    case Type::Null:
      return "null";
    case Type::Bool:
      return u_.b ? "true" : "false";
    case Type::Int:
      return std::to_string(u_.i);
    case Type::UInt:
      return std::to_string(u_.u);
    case Type::Float: {
      std::string s;
      format_float(u_.f, s);
      return s;
    }
    case Type::Decimal:
      return as_decimal().to_string();
    case Type::String:
      return *u_.str;
    case Type::Bytes:
      return json::base64_encode(*u_.str);
    case Type::Date:
      return temporal::format_date(as_date());
    case Type::Time:
      return temporal::format_time(u_.i);
    case Type::DateTime:
      return temporal::format_datetime(u_.i);
    case Type::Timestamp:
      return temporal::format_timestamp(u_.i);
    case Type::Object:
    case Type::List:
      return json::encode(*this);
  }
  return "";
}

}  // namespace sluice
