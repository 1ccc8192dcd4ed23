#include "dsl/eval/arith.h"

#include <cmath>

#include "dsl/eval/builtins.h"
#include "dsl/eval/eval_util.h"

namespace sluice::eval::arith {
namespace {

bool is_integer(const Value& v) { return v.type() == Type::Int || v.type() == Type::UInt; }

int128 int_of(const Value& v) {
  return v.type() == Type::UInt ? static_cast<int128>(v.as_uint())
                                : static_cast<int128>(v.as_int());
}

[[noreturn]] void bad_operands(const char* op, const Value& a, const Value& b) {
  fail(errc::type_mismatch, std::string("cannot apply '") + op + "' to " + type_name(a.type()) +
                                " and " + type_name(b.type()));
}

// Result of an integer operation computed in int128: uint when both inputs are uint, else int.
Value int_result(int128 r, const Value& a, const Value& b, const char* op) {
  if (a.type() == Type::UInt && b.type() == Type::UInt) {
    if (r < 0 || r > static_cast<int128>(UINT64_MAX))
      fail(errc::overflow, std::string("uint overflow in '") + op + "'");
    return Value::uint64(static_cast<uint64_t>(r));
  }
  if (r < INT64_MIN || r > INT64_MAX)
    fail(errc::overflow, std::string("int overflow in '") + op + "'");
  return Value::int64(static_cast<int64_t>(r));
}

Value dec_result(const std::optional<Decimal>& d, const char* op) {
  if (!d)
    fail(errc::overflow, std::string("decimal overflow in '") + op + "' (more than 76 digits)");
  return Value::decimal(*d);
}

enum class Kind { Int, Dec, Float, Other };
Kind kind_of(const Value& a, const Value& b) {
  if (!a.is_numeric() || !b.is_numeric()) return Kind::Other;
  if (a.type() == Type::Float || b.type() == Type::Float) return Kind::Float;
  if (a.type() == Type::Decimal || b.type() == Type::Decimal) return Kind::Dec;
  return Kind::Int;
}

}  // namespace

bool is_exact(const Value& v) { return is_integer(v) || v.type() == Type::Decimal; }

Decimal to_decimal(const Value& v) {
  if (v.type() == Type::Decimal) return v.as_decimal();
  return Decimal(int_of(v), 0);
}

double to_double(const Value& v) {
  switch (v.type()) {
    case Type::Int:
      return static_cast<double>(v.as_int());
    case Type::UInt:
      return static_cast<double>(v.as_uint());
    case Type::Float:
      return v.as_float();
    case Type::Decimal:
      return v.as_decimal().to_double();
    default:
      fail(errc::type_mismatch, std::string("expected a number, got ") + type_name(v.type()));
  }
}

Value add(const Value& a, const Value& b) {
  switch (kind_of(a, b)) {
    case Kind::Int: {
      if (a.type() == Type::Int && b.type() == Type::Int) {
        int64_t r;
        if (__builtin_add_overflow(a.as_int(), b.as_int(), &r))
          fail(errc::overflow, "int overflow in '+'");
        return Value::int64(r);
      }
      return int_result(int_of(a) + int_of(b), a, b, "+");
    }
    case Kind::Dec:
      return dec_result(to_decimal(a).add(to_decimal(b)), "+");
    case Kind::Float:
      return Value::float64(to_double(a) + to_double(b));
    case Kind::Other:
      break;
  }
  if (a.type() == Type::String) {
    std::string s;
    const std::string& x = a.as_string();
    if (b.type() == Type::String) {
      s.reserve(x.size() + b.as_string().size());
      s += x;
      s += b.as_string();
    } else {
      s = x + builtins::text_of(b);
    }
    return Value::string(std::move(s));
  }
  if (b.type() == Type::String) return Value::string(builtins::text_of(a) + b.as_string());
  bad_operands("+", a, b);
}

Value sub(const Value& a, const Value& b) {
  switch (kind_of(a, b)) {
    case Kind::Int: {
      if (a.type() == Type::Int && b.type() == Type::Int) {
        int64_t r;
        if (__builtin_sub_overflow(a.as_int(), b.as_int(), &r))
          fail(errc::overflow, "int overflow in '-'");
        return Value::int64(r);
      }
      return int_result(int_of(a) - int_of(b), a, b, "-");
    }
    case Kind::Dec:
      return dec_result(to_decimal(a).sub(to_decimal(b)), "-");
    case Kind::Float:
      return Value::float64(to_double(a) - to_double(b));
    case Kind::Other:
      break;
  }
  bad_operands("-", a, b);
}

Value mul(const Value& a, const Value& b) {
  switch (kind_of(a, b)) {
    case Kind::Int: {
      if (a.type() == Type::Int && b.type() == Type::Int) {
        int64_t r;
        if (__builtin_mul_overflow(a.as_int(), b.as_int(), &r))
          fail(errc::overflow, "int overflow in '*'");
        return Value::int64(r);
      }
      int128 r;
      if (__builtin_mul_overflow(int_of(a), int_of(b), &r))
        fail(errc::overflow, "int overflow in '*'");
      return int_result(r, a, b, "*");
    }
    case Kind::Dec:
      return dec_result(to_decimal(a).mul(to_decimal(b)), "*");
    case Kind::Float:
      return Value::float64(to_double(a) * to_double(b));
    case Kind::Other:
      break;
  }
  bad_operands("*", a, b);
}

Value div(const Value& a, const Value& b) {
  switch (kind_of(a, b)) {
    case Kind::Int:
    case Kind::Dec: {
      Decimal x = to_decimal(a), y = to_decimal(b);
      if (y.sign() == 0) fail(errc::division_by_zero, "division by zero");
      int s = kDivScale;
      if (x.scale() > s) s = x.scale();
      if (y.scale() > s) s = y.scale();
      return dec_result(x.div(y, s), "/");
    }
    case Kind::Float: {
      double y = to_double(b);
      if (y == 0.0) fail(errc::division_by_zero, "division by zero");
      return Value::float64(to_double(a) / y);
    }
    case Kind::Other:
      break;
  }
  bad_operands("/", a, b);
}

Value rem(const Value& a, const Value& b) {
  switch (kind_of(a, b)) {
    case Kind::Int: {
      int128 y = int_of(b);
      if (y == 0) fail(errc::division_by_zero, "division by zero in '%'");
      return int_result(int_of(a) % y, a, b, "%");
    }
    case Kind::Dec: {
      Decimal y = to_decimal(b);
      if (y.sign() == 0) fail(errc::division_by_zero, "division by zero in '%'");
      return dec_result(to_decimal(a).rem(y), "%");
    }
    case Kind::Float: {
      double y = to_double(b);
      if (y == 0.0) fail(errc::division_by_zero, "division by zero in '%'");
      return Value::float64(std::fmod(to_double(a), y));
    }
    case Kind::Other:
      break;
  }
  bad_operands("%", a, b);
}

Value neg(const Value& a) {
  switch (a.type()) {
    case Type::Int:
      if (a.as_int() == INT64_MIN) fail(errc::overflow, "int overflow in unary '-'");
      return Value::int64(-a.as_int());
    case Type::UInt:
      if (a.as_uint() > static_cast<uint64_t>(INT64_MAX) + 1)
        fail(errc::overflow, "int overflow in unary '-'");
      return Value::int64(static_cast<int64_t>(-static_cast<int128>(a.as_uint())));
    case Type::Float:
      return Value::float64(-a.as_float());
    case Type::Decimal:
      return Value::decimal(a.as_decimal().neg());
    default:
      fail(errc::type_mismatch, std::string("cannot apply unary '-' to ") + type_name(a.type()));
  }
}

namespace {
bool comparable(Type a, Type b) {
  if (a == b) return true;
  return false;
}
}  // namespace

bool equals(const Value& a, const Value& b) {
  if (a.is_numeric() && b.is_numeric()) return compare_numbers(a, b) == 0;
  if (!comparable(a.type(), b.type())) return false;
  return a == b;
}

int order(const Value& a, const Value& b, const char* op) {
  if (a.is_numeric() && b.is_numeric()) return compare_numbers(a, b);
  if (a.type() == b.type()) {
    switch (a.type()) {
      case Type::Bool:
      case Type::String:
      case Type::Bytes:
      case Type::Date:
      case Type::Time:
      case Type::DateTime:
      case Type::Timestamp:
        return Value::compare(a, b);
      default:
        break;
    }
  }
  fail(errc::type_mismatch, std::string("cannot compare ") + type_name(a.type()) + " with " +
                                type_name(b.type()) + " using '" + op + "'");
}

}  // namespace sluice::eval::arith
