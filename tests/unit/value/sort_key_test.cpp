// append_sort_key: the byte order of the keys is ValueLess (Value::compare, then the type) on
// random values of every type, including numbers mixed across Int/UInt/Decimal/Float.
#include "base/sort_key.h"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace sluice;

namespace {

int value_less_cmp(const Value& a, const Value& b) {
  int c = Value::compare(a, b);
  if (c != 0) return c;
  return a.type() < b.type() ? -1 : (a.type() > b.type() ? 1 : 0);
}

std::string key(const Value& v) {
  std::string s;
  append_sort_key(v, s);
  return s;
}

Value random_value(std::mt19937_64& rng, int depth) {
  auto r = [&](int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng); };
  const std::string strs[] = {"", "a", "ab", "b", std::string("a\0b", 3), "\xff", "zz"};
  switch (r(0, depth > 0 ? 10 : 12)) {
    case 0:
      return Value();
    case 1:
      return Value::boolean(r(0, 1) == 1);
    case 2:
      return Value::int64(r(-3, 3) * static_cast<int64_t>(std::pow(10, r(0, 12))));
    case 3:
      return Value::uint64(static_cast<uint64_t>(r(0, 5)) * 1000000000000ULL +
                           (r(0, 1) ? 18000000000000000000ULL : 0));
    case 4:
      return Value::decimal(Decimal(r(-2000, 2000), r(0, 4)));
    case 5: {
      double ds[] = {0.1,
                     -0.1,
                     2.5,
                     -0.0,
                     0.0,
                     1e300,
                     -1e-300,
                     3.0,
                     std::numeric_limits<double>::infinity(),
                     -std::numeric_limits<double>::infinity(),
                     std::nan(""),
                     1.5};
      return Value::float64(ds[r(0, 11)]);
    }
    case 6:
      return Value::string(strs[r(0, 6)] + (r(0, 1) ? "x" : ""));
    case 7:
      return Value::bytes(r(0, 1) ? std::string("a\0", 2) : std::string("a"));
    case 8:
      return Value::date(r(-5, 5));
    case 9:
      return Value::timestamp(r(-5, 5));
    case 10:
      return Value::datetime(r(-5, 5));
    case 11: {
      List l;
      for (int i = r(0, 3); i > 0; --i) l.push_back(random_value(rng, depth + 1));
      return Value::list(std::move(l));
    }
    default: {
      Object o;
      for (int i = r(0, 2); i > 0; --i) {
        o.append(intern(r(0, 1) ? "a" : "b"), random_value(rng, depth + 1));
      }
      return Value::object(std::move(o));
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sort_key)

BOOST_AUTO_TEST_CASE(byte_order_is_value_order) {
  std::mt19937_64 rng(18);
  std::vector<Value> vs;
  for (int i = 0; i < 600; ++i) vs.push_back(random_value(rng, 0));
  vs.push_back(Value::decimal(Decimal(15, 1)));
  vs.push_back(Value::decimal(Decimal(150, 2)));
  vs.push_back(Value::int64(INT64_MIN));
  vs.push_back(Value::int64(INT64_MAX));
  vs.push_back(Value::uint64(UINT64_MAX));
  vs.push_back(Value::float64(0.1));
  vs.push_back(Value::decimal(*Decimal::parse("0.1000000000000000055511151231257827")));
  size_t checked = 0;
  for (const Value& a : vs) {
    const std::string ka = key(a);
    for (const Value& b : vs) {
      int want = value_less_cmp(a, b);
      int got = ka.compare(key(b));
      got = got < 0 ? -1 : (got > 0 ? 1 : 0);
      BOOST_REQUIRE_MESSAGE(want == got, a.to_display()
                                             << " (" << type_name(a.type()) << ") vs "
                                             << b.to_display() << " (" << type_name(b.type())
                                             << "): want " << want << ", got " << got);
      ++checked;
    }
  }
  BOOST_TEST_MESSAGE("sort_key: " << checked << " pairs");
}

BOOST_AUTO_TEST_SUITE_END()
