#include "base/value.h"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <thread>
#include <unordered_set>

#include "print.h"

using sluice::Decimal;
using sluice::Object;
using sluice::Type;
using sluice::Value;

namespace {
Value dec(const char* s) { return Value::decimal(*Decimal::parse(s)); }
}  // namespace

BOOST_AUTO_TEST_SUITE(value_model)

BOOST_AUTO_TEST_CASE(copy_move_destroy) {
  Value s = Value::string("hello world, long enough to allocate");
  Value c = s;
  BOOST_TEST(c.as_string() == s.as_string());
  Value m = std::move(c);
  BOOST_TEST(c.is_null());
  BOOST_TEST(m.as_string() == "hello world, long enough to allocate");
  Object o;
  o.set(sluice::intern("a"), Value::int64(1));
  o.set(sluice::intern("b"), Value::list({Value::string("x"), dec("1.50")}));
  Value ov = Value::object(o);
  Value oc = ov;
  BOOST_TEST((oc == ov));
  oc = Value::int64(3);
  BOOST_TEST(oc.as_int() == 3);
  ov = ov;  // self-assignment
  BOOST_TEST(ov.as_object().size() == 2u);
  Value d = dec("-12.345");
  Value d2 = d;
  BOOST_TEST(d2.as_decimal().to_string() == "-12.345");
}

BOOST_AUTO_TEST_CASE(object_paths) {
  Object o;
  sluice::Sym a = sluice::intern("address"), city = sluice::intern("city");
  sluice::Sym path[] = {a, city};
  o.set_path(path, 2, Value::string("Oslo"));
  BOOST_REQUIRE(o.find_path(path, 2) != nullptr);
  BOOST_TEST(o.find_path(path, 2)->as_string() == "Oslo");
  o.set_path(path, 2, Value::string("Bergen"));
  BOOST_TEST(o.find(a)->as_object().size() == 1u);
  BOOST_TEST(o.erase_path(path, 2));
  BOOST_TEST(o.find_path(path, 2) == nullptr);
  BOOST_TEST(!o.erase(city));
  o.set(city, Value::int64(1));  // a non-object in the middle of a path
  sluice::Sym p2[] = {city, a};
  BOOST_TEST(o.find_path(p2, 2) == nullptr);
  o.set_path(p2, 2, Value::int64(2));
  BOOST_TEST(o.find_path(p2, 2)->as_int() == 2);
}

BOOST_AUTO_TEST_CASE(equality_is_type_exact) {
  BOOST_TEST((dec("1.5") == dec("1.50")));
  BOOST_TEST((Value::int64(1) != dec("1")));
  BOOST_TEST((Value::int64(1) != Value::uint64(1)));
  BOOST_TEST((Value::string("a") != Value::bytes("a")));
  BOOST_TEST((dec("1.5").hash() == dec("1.50").hash()));
  BOOST_TEST((Value::float64(0.0).hash() == Value::float64(-0.0).hash()));
  Object x, y;
  x.set(sluice::intern("p"), Value::int64(1));
  x.set(sluice::intern("q"), Value::int64(2));
  y.set(sluice::intern("q"), Value::int64(2));
  y.set(sluice::intern("p"), Value::int64(1));
  BOOST_TEST((Value::object(x) == Value::object(y)));
  BOOST_TEST((Value::object(x).hash() == Value::object(y).hash()));
  std::unordered_set<Value, sluice::ValueHash> set{dec("2.0"), dec("2.00"), Value::int64(2)};
  BOOST_TEST(set.size() == 2u);
}

BOOST_AUTO_TEST_CASE(total_order) {
  BOOST_TEST(Value::compare(Value(), Value::boolean(false)) < 0);
  BOOST_TEST(Value::compare(Value::boolean(true), Value::int64(-5)) < 0);
  BOOST_TEST(Value::compare(Value::int64(2), dec("1.99")) > 0);
  BOOST_TEST(Value::compare(Value::int64(2), dec("2.00")) == 0);
  BOOST_TEST(Value::compare(Value::uint64(UINT64_MAX), Value::int64(INT64_MAX)) > 0);
  BOOST_TEST(Value::compare(Value::int64(-1), Value::uint64(0)) < 0);
  BOOST_TEST(Value::compare(Value::float64(1.5), dec("1.5")) == 0);
  BOOST_TEST(Value::compare(Value::float64(0.1), dec("0.1")) == 0);
  BOOST_TEST(Value::compare(Value::float64(2.5), Value::int64(2)) > 0);
  BOOST_TEST(Value::compare(Value::int64(9007199254740993), Value::float64(9007199254740992.0)) >
             0);
  BOOST_TEST(Value::compare(dec("100"), Value::string("1")) < 0);
  BOOST_TEST(Value::compare(Value::string("b"), Value::string("a")) > 0);
  BOOST_TEST(Value::compare(Value::string("z"), Value::bytes("a")) < 0);
  BOOST_TEST(Value::compare(Value::date(0), Value::date(1)) < 0);
  BOOST_TEST(
      Value::compare(Value::list({Value::int64(1)}), Value::list({Value::int64(1), Value()})) < 0);
  BOOST_TEST(Value::compare(Value::float64(std::nan("")), Value::float64(1e300)) > 0);
}

BOOST_AUTO_TEST_CASE(display) {
  BOOST_TEST(dec("1.50").to_display() == "1.50");
  BOOST_TEST(Value::int64(-3).to_display() == "-3");
  BOOST_TEST(Value::uint64(UINT64_MAX).to_display() == "18446744073709551615");
  BOOST_TEST(Value::float64(2.5).to_display() == "2.5");
  BOOST_TEST(Value::string("x y").to_display() == "x y");
  BOOST_TEST(Value().to_display() == "null");
  BOOST_TEST(Value::list({Value::string("a"), Value::int64(1)}).to_display() == R"(["a",1])");
  BOOST_TEST(Value::date(0).to_display() == "1970-01-01");
  BOOST_TEST(std::string(sluice::type_name(Type::Object)) == "object");
  BOOST_TEST(std::string(sluice::type_name(Type::Decimal)) == "decimal");
}

BOOST_AUTO_TEST_CASE(wide_decimals_are_values) {
  static_assert(sizeof(Value) == 32, "Value stays 32 bytes");
  const char* t = "-99999999999999999999999999999999999.999999999999999999999999999999";
  Value w = dec(t);
  BOOST_TEST(w.as_decimal().is_wide());
  Value c = w;  // copy owns its own heap decimal
  Value m = std::move(c);
  BOOST_TEST(c.is_null());
  BOOST_TEST(m.as_decimal().to_string() == t);
  Value a = Value::string("x");
  a = w;  // copy-assign over a heap string
  BOOST_TEST(a.as_decimal().to_string() == t);
  a = dec("1.5");  // a narrow value replaces the wide one
  BOOST_TEST(!a.as_decimal().is_wide());
  BOOST_TEST(a.as_decimal().to_string() == "1.5");
  Value narrow = dec("2.5");
  a = narrow;  // copy-assign a narrow decimal over a narrow decimal: no heap involved
  narrow = w;  // and a wide one over it
  BOOST_TEST(narrow.as_decimal().to_string() == t);
  narrow = dec("3");
  BOOST_TEST(narrow.as_decimal().to_string() == "3");
  a = std::move(m);
  BOOST_TEST(a.as_decimal().to_string() == t);
  BOOST_TEST(a.to_display() == t);
  // Equality, order and hash: numeric, whatever the representation or scale.
  Value wide15 = dec("15.00000000000000000000000000000000000000");  // 40 digits, wide
  BOOST_TEST(wide15.as_decimal().is_wide());
  BOOST_TEST((wide15 == dec("15")));
  BOOST_TEST((wide15 == dec("15.0")));
  BOOST_TEST((wide15.hash() == dec("15").hash()));
  BOOST_TEST((wide15.hash() == dec("15.000").hash()));
  BOOST_TEST(Value::compare(wide15, dec("15")) == 0);
  BOOST_TEST(Value::compare(wide15, Value::int64(15)) == 0);
  BOOST_TEST(Value::compare(w, Value::int64(INT64_MIN)) < 0);
  BOOST_TEST(Value::compare(dec("1"), w) > 0);
  BOOST_TEST((dec(t) == w));
  BOOST_TEST((dec(t).hash() == w.hash()));
  BOOST_TEST((dec("-99999999999999999999999999999999999.9999999999999999999999999999990").hash() ==
              w.hash()));
  BOOST_TEST((dec(t + 1).hash() != w.hash()));  // the sign counts
  BOOST_TEST(!(dec(t + 1) == w));
  std::unordered_set<Value, sluice::ValueHash> set{w, dec(t + 1), wide15, dec("15")};
  BOOST_TEST(set.size() == 3u);
}

BOOST_AUTO_TEST_CASE(symbols_are_stable_and_thread_safe) {
  sluice::Sym a = sluice::intern("symbol_test_a");
  BOOST_TEST(sluice::intern("symbol_test_a") == a);
  const std::string& name = sluice::sym_name(a);
  std::vector<std::thread> threads;
  std::vector<std::vector<sluice::Sym>> got(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &got] {
      for (int i = 0; i < 5000; ++i) got[t].push_back(sluice::intern("sym_" + std::to_string(i)));
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 1; t < 4; ++t) BOOST_TEST((got[t] == got[0]));
  for (int i = 0; i < 5000; i += 499)
    BOOST_TEST(sluice::sym_name(got[0][i]) == "sym_" + std::to_string(i));
  BOOST_TEST(&sluice::sym_name(a) == &name);  // stable reference after growth
  BOOST_TEST(name == "symbol_test_a");
}

BOOST_AUTO_TEST_SUITE_END()
