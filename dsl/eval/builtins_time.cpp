// Time functions: now to_date to_timestamp date_trunc year month day.
#include "base/temporal.h"
#include "dsl/eval/builtins.h"
#include "dsl/eval/eval_util.h"

namespace sluice::eval::builtins {
namespace {

constexpr int64_t kDay = 86400LL * 1000000;

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Day number of a date/datetime/timestamp argument.
int32_t day_of(const char* fn, const Value& v) {
  switch (v.type()) {
    case Type::Date:
      return v.as_date();
    case Type::DateTime:
    case Type::Timestamp:
      return static_cast<int32_t>(floor_div(v.as_micros(), kDay));
    default:
      type_error(fn, 1, v, "a date, datetime or timestamp");
  }
}

}  // namespace

Value now(const Value*, size_t, const Context& ctx) {
  return Value::timestamp(ctx.now != 0 ? ctx.now : temporal::now_micros());
}

Value to_date(const Value* a, size_t, const Context&) {
  const Value& v = a[0];
  if (v.type() == Type::String) {
    const std::string& s = v.as_string();
    if (auto d = temporal::parse_date(s)) return Value::date(*d);
    if (auto t = temporal::parse_timestamp(s))
      return Value::date(static_cast<int32_t>(floor_div(*t, kDay)));
    fail(errc::bad_cast, "to_date(): " + describe(v) + " is not a date (expected YYYY-MM-DD)");
  }
  return Value::date(day_of("to_date", v));
}

Value to_timestamp(const Value* a, size_t, const Context&) {
  const Value& v = a[0];
  switch (v.type()) {
    case Type::String: {
      if (auto t = temporal::parse_timestamp(v.as_string())) return Value::timestamp(*t);
      fail(errc::bad_cast,
           "to_timestamp(): " + describe(v) +
               " is not a timestamp (expected YYYY-MM-DDTHH:MM:SS[.ffffff][Z|+HH:MM])");
    }
    case Type::Date:
      return Value::timestamp(static_cast<int64_t>(v.as_date()) * kDay);
    case Type::DateTime:
    case Type::Timestamp:
      return Value::timestamp(v.as_micros());
    case Type::Int: {
      int64_t ms = v.as_int();
      if (ms > INT64_MAX / 1000 || ms < INT64_MIN / 1000)
        fail(errc::overflow, "to_timestamp(): out of range");
      return Value::timestamp(ms * 1000);
    }
    default:
      type_error("to_timestamp", 1, v, "a string, date, datetime, timestamp or int");
  }
}

Value to_datetime(const Value* a, size_t, const Context&) {
  const Value& v = a[0];
  switch (v.type()) {
    case Type::String: {
      if (auto t = temporal::parse_datetime(v.as_string())) return Value::datetime(*t);
      fail(errc::bad_cast, "to_datetime(): " + describe(v) +
                               " is not a datetime (expected YYYY-MM-DD HH:MM:SS[.ffffff])");
    }
    case Type::Date:
      return Value::datetime(static_cast<int64_t>(v.as_date()) * kDay);
    case Type::DateTime:
    case Type::Timestamp:
      return Value::datetime(v.as_micros());
    default:
      type_error("to_datetime", 1, v, "a string, date, datetime or timestamp");
  }
}

Value to_time(const Value* a, size_t, const Context&) {
  const Value& v = a[0];
  switch (v.type()) {
    case Type::String: {
      if (auto t = temporal::parse_time(v.as_string())) return Value::time(*t);
      fail(errc::bad_cast,
           "to_time(): " + describe(v) + " is not a time (expected [-]HH:MM:SS[.ffffff])");
    }
    case Type::Time:
      return v;
    case Type::DateTime:
    case Type::Timestamp:
      return Value::time(v.as_micros() - floor_div(v.as_micros(), kDay) * kDay);
    default:
      type_error("to_time", 1, v, "a string, time, datetime or timestamp");
  }
}

Value date_trunc(const Value* a, size_t, const Context&) {
  if (a[0].type() != Type::String) type_error("date_trunc", 1, a[0], "a unit string");
  const std::string& unit = a[0].as_string();
  const Value& t = a[1];
  if (t.type() != Type::Date && t.type() != Type::DateTime && t.type() != Type::Timestamp)
    type_error("date_trunc", 2, t, "a date, datetime or timestamp");
  int32_t days = day_of("date_trunc", t);
  int64_t micros = t.type() == Type::Date ? static_cast<int64_t>(days) * kDay : t.as_micros();
  int64_t out;
  if (unit == "year" || unit == "month") {
    temporal::civil c = temporal::civil_from_days(days);
    int32_t d = temporal::days_from_civil(c.year, unit == "year" ? 1 : c.month, 1);
    out = static_cast<int64_t>(d) * kDay;
  } else if (unit == "day") {
    out = static_cast<int64_t>(days) * kDay;
  } else if (unit == "hour" || unit == "minute" || unit == "second") {
    int64_t step = unit == "hour" ? 3600000000LL : unit == "minute" ? 60000000LL : 1000000LL;
    out = floor_div(micros, step) * step;
  } else {
    fail(errc::invalid_argument, "date_trunc(): unknown unit \"" + unit +
                                     "\" (expected year, month, day, hour, minute or second)");
  }
  switch (t.type()) {
    case Type::Date:
      return Value::date(static_cast<int32_t>(floor_div(out, kDay)));
    case Type::DateTime:
      return Value::datetime(out);
    default:
      return Value::timestamp(out);
  }
}

Value year(const Value* a, size_t, const Context&) {
  return Value::int64(temporal::civil_from_days(day_of("year", a[0])).year);
}

Value month(const Value* a, size_t, const Context&) {
  return Value::int64(temporal::civil_from_days(day_of("month", a[0])).month);
}

Value day(const Value* a, size_t, const Context&) {
  return Value::int64(temporal::civil_from_days(day_of("day", a[0])).day);
}

}  // namespace sluice::eval::builtins
