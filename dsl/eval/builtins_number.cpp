// Number functions: to_int to_float to_decimal round abs.
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "dsl/eval/arith.h"
#include "dsl/eval/builtins.h"
#include "dsl/eval/eval_util.h"

namespace sluice::eval::builtins {
namespace {

int64_t small_int_arg(const char* fn, const Value* a, int i, int64_t lo, int64_t hi) {
  int64_t v;
  if (a[i].type() == Type::Int) {
    v = a[i].as_int();
  } else if (a[i].type() == Type::UInt && a[i].as_uint() <= INT64_MAX) {
    v = static_cast<int64_t>(a[i].as_uint());
  } else {
    type_error(fn, i + 1, a[i], "an int");
  }
  if (v < lo || v > hi)
    fail(errc::invalid_argument, std::string(fn) + "(): argument " + std::to_string(i + 1) +
                                     " must be between " + std::to_string(lo) + " and " +
                                     std::to_string(hi) + ", got " + std::to_string(v));
  return v;
}

// The shortest decimal text of a finite double as an exact Decimal.
std::optional<Decimal> float_to_decimal(double d) {
  if (!std::isfinite(d)) return std::nullopt;
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), d);
  return Decimal::parse(std::string_view(buf, r.ptr - buf));
}

int128 pow10(int n) {
  int128 p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

}  // namespace

Value to_int(const Value* a, size_t, const Context&) {
  const Value& v = a[0];
  switch (v.type()) {
    case Type::Int:
      return v;
    case Type::UInt:
      if (v.as_uint() > static_cast<uint64_t>(INT64_MAX))
        fail(errc::bad_cast,
             "to_int(): " + std::to_string(v.as_uint()) + " is out of the int range");
      return Value::int64(static_cast<int64_t>(v.as_uint()));
    case Type::Bool:
      return Value::int64(v.as_bool() ? 1 : 0);
    case Type::Decimal: {
      auto r = v.as_decimal().to_int64();
      if (!r)
        fail(errc::bad_cast,
             "to_int(): " + v.as_decimal().to_string() + " is out of the int range");
      return Value::int64(*r);
    }
    case Type::Float: {
      double d = std::trunc(v.as_float());
      if (!std::isfinite(d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0)
        fail(errc::bad_cast, "to_int(): float " + v.to_display() + " is out of the int range");
      return Value::int64(static_cast<int64_t>(d));
    }
    case Type::String: {
      const std::string& s = v.as_string();
      const char* b = s.data();
      const char* e = s.data() + s.size();
      if (b != e && *b == '+') ++b;
      int64_t out;
      auto r = std::from_chars(b, e, out);
      if (b == e || r.ec != std::errc() || r.ptr != e)
        fail(errc::bad_cast, "to_int(): " + describe(v) + " is not an integer");
      return Value::int64(out);
    }
    default:
      type_error("to_int", 1, v, "a number, bool or string");
  }
}

Value to_float(const Value* a, size_t, const Context&) {
  const Value& v = a[0];
  switch (v.type()) {
    case Type::Int:
    case Type::UInt:
    case Type::Float:
    case Type::Decimal:
      return Value::float64(arith::to_double(v));
    case Type::String: {
      const std::string& s = v.as_string();
      char* end = nullptr;
      double d = s.empty() ? 0 : std::strtod(s.c_str(), &end);
      if (s.empty() || end != s.c_str() + s.size() ||
          std::isspace(static_cast<unsigned char>(s[0])))
        fail(errc::bad_cast, "to_float(): " + describe(v) + " is not a number");
      return Value::float64(d);
    }
    default:
      type_error("to_float", 1, v, "a number or string");
  }
}

Value to_decimal(const Value* a, size_t, const Context&) {
  int scale = static_cast<int>(small_int_arg("to_decimal", a, 1, 0, Decimal::kMaxScale));
  const Value& v = a[0];
  std::optional<Decimal> d;
  switch (v.type()) {
    case Type::Int:
    case Type::UInt:
    case Type::Decimal:
      d = arith::to_decimal(v);
      break;
    case Type::Float:
      d = float_to_decimal(v.as_float());
      if (!d)
        fail(errc::bad_cast,
             "to_decimal(): float " + v.to_display() + " has no exact decimal form");
      break;
    case Type::String:
      d = Decimal::parse(v.as_string());
      if (!d) fail(errc::bad_cast, "to_decimal(): " + describe(v) + " is not a decimal number");
      break;
    default:
      type_error("to_decimal", 1, v, "a number or string");
  }
  auto r = d->rescale(scale);
  if (!r)
    fail(errc::overflow, "to_decimal(): " + d->to_string() + " does not fit 76 digits at scale " +
                             std::to_string(scale));
  return Value::decimal(*r);
}

Value round(const Value* a, size_t n, const Context&) {
  int digits = n > 1 ? static_cast<int>(small_int_arg("round", a, 1, -38, 38)) : 0;
  const Value& v = a[0];
  switch (v.type()) {
    case Type::Int:
    case Type::UInt: {
      if (digits >= 0) return v;
      auto r = arith::to_decimal(v).round(digits);
      if (!r || r->is_wide()) fail(errc::overflow, "round(): overflow");
      int128 u = r->unscaled();
      if (v.type() == Type::UInt) {
        if (u < 0 || u > static_cast<int128>(UINT64_MAX))
          fail(errc::overflow, "round(): uint overflow");
        return Value::uint64(static_cast<uint64_t>(u));
      }
      if (u < INT64_MIN || u > INT64_MAX) fail(errc::overflow, "round(): int overflow");
      return Value::int64(static_cast<int64_t>(u));
    }
    case Type::Decimal: {
      auto r = v.as_decimal().round(digits);
      if (!r) fail(errc::overflow, "round(): decimal overflow (more than 76 digits)");
      return Value::decimal(*r);
    }
    case Type::Float: {
      double d = v.as_float();
      if (!std::isfinite(d)) return v;
      // Round the float's shortest decimal text, so round(2.675, 2) is 2.68 as written.
      if (auto dec = float_to_decimal(d)) {
        if (auto r = dec->round(digits)) return Value::float64(r->to_double());
      }
      double p = static_cast<double>(pow10(digits < 0 ? -digits : digits));
      return Value::float64(digits >= 0 ? std::round(d * p) / p : std::round(d / p) * p);
    }
    default:
      type_error("round", 1, v, "a number");
  }
}

Value abs(const Value* a, size_t, const Context&) {
  const Value& v = a[0];
  switch (v.type()) {
    case Type::Int:
      if (v.as_int() == INT64_MIN) fail(errc::overflow, "abs(): int overflow");
      return Value::int64(v.as_int() < 0 ? -v.as_int() : v.as_int());
    case Type::UInt:
      return v;
    case Type::Float:
      return Value::float64(std::fabs(v.as_float()));
    case Type::Decimal:
      return Value::decimal(v.as_decimal().abs());
    default:
      type_error("abs", 1, v, "a number");
  }
}

}  // namespace sluice::eval::builtins
