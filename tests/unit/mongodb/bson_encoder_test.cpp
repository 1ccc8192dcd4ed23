// Values -> BSON, compared as canonical extended JSON (issue 6 item 5): every type, nesting,
// lists, Decimal128 digit for digit and its 34-digit limit, dates, binary, bad input.
#include "operators/mongodb/bson_encoder.h"

#include <boost/test/unit_test.hpp>

#include "base/temporal.h"
#include "mongo_test_util.h"

using namespace mongotest;

namespace {

// {"v": <value>} as canonical extended JSON, or "ERROR: message".
std::string enc(const Value& v) {
  BsonDoc d;
  std::string err;
  if (!BsonEncoder::append(d.get(), "v", v, err)) return "ERROR: " + err;
  return d.canonical_json();
}

Value dec(const char* text) { return Value::decimal(*Decimal::parse(text)); }

}  // namespace

BOOST_AUTO_TEST_SUITE(mongodb_bson_encoder)

BOOST_AUTO_TEST_CASE(scalars) {
  BOOST_TEST(enc(Value::null()) == R"({ "v" : null })");
  BOOST_TEST(enc(Value::boolean(true)) == R"({ "v" : true })");
  BOOST_TEST(enc(Value::int64(-42)) == R"({ "v" : { "$numberLong" : "-42" } })");
  BOOST_TEST(enc(Value::int64(INT64_MAX)) ==
             R"({ "v" : { "$numberLong" : "9223372036854775807" } })");
  BOOST_TEST(enc(Value::uint64(7)) == R"({ "v" : { "$numberLong" : "7" } })");
  // Beyond int64: Decimal128, exact.
  BOOST_TEST(enc(Value::uint64(UINT64_MAX)) ==
             R"({ "v" : { "$numberDecimal" : "18446744073709551615" } })");
  BOOST_TEST(enc(Value::float64(1.5)) == R"({ "v" : { "$numberDouble" : "1.5" } })");
  BOOST_TEST(enc(Value::string("Zürich \"Ost\"")) == R"({ "v" : "Zürich \"Ost\"" })");
}

BOOST_AUTO_TEST_CASE(decimals_are_decimal128_digit_for_digit) {
  BOOST_TEST(enc(dec("1.50")) == R"({ "v" : { "$numberDecimal" : "1.50" } })");
  BOOST_TEST(enc(dec("-0.01")) == R"({ "v" : { "$numberDecimal" : "-0.01" } })");
  BOOST_TEST(enc(dec("0")) == R"({ "v" : { "$numberDecimal" : "0" } })");
  BOOST_TEST(enc(dec("0.00")) == R"({ "v" : { "$numberDecimal" : "0.00" } })");
  BOOST_TEST(enc(dec("1234567890123456.78")) ==
             R"({ "v" : { "$numberDecimal" : "1234567890123456.78" } })");
  // 34 significant digits: the most Decimal128 holds, kept exactly.
  BOOST_TEST(enc(dec("1234567890123456789012345678.901234")) ==
             R"({ "v" : { "$numberDecimal" : "1234567890123456789012345678.901234" } })");
  BOOST_TEST(enc(dec("-9999999999999999999999999999999999")) ==
             R"({ "v" : { "$numberDecimal" : "-9999999999999999999999999999999999" } })");
  // Small scales keep their exponent (Decimal128 prints them in E notation).
  BOOST_TEST(enc(dec("0.000000001")) == R"({ "v" : { "$numberDecimal" : "1E-9" } })");
}

BOOST_AUTO_TEST_CASE(decimals_beyond_34_digits_are_refused_never_rounded) {
  std::string r = enc(dec("12345678901234567890123456789.012345"));  // 35 digits
  BOOST_TEST(r.rfind("ERROR: ", 0) == 0u);
  BOOST_TEST(r.find("35 significant digits") != std::string::npos);
  BOOST_TEST(r.find("34") != std::string::npos);
  BOOST_TEST(enc(dec("99999999999999999999999999999999999999")).rfind("ERROR: ", 0) == 0u);
  // Trailing zeros are digits of the value's scale: refused too, not silently rescaled.
  BOOST_TEST(enc(dec("1.00000000000000000000000000000000000")).rfind("ERROR: ", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(wide_decimals_do_not_fit_decimal128) {
  // DECIMAL(65,30): 65 digits, on Decimal's wide path; refused with a message, never rounded.
  std::string r = enc(dec("-99999999999999999999999999999999999.999999999999999999999999999999"));
  BOOST_TEST(r.rfind("ERROR: ", 0) == 0u);
  BOOST_TEST(r.find("65 significant digits") != std::string::npos);
  BOOST_TEST(r.find("does not fit Decimal128") != std::string::npos);
  BOOST_TEST(r.find("-99999999999999999999999999999999999.999999999999999999999999999999") !=
             std::string::npos);
  // 38 digits (the 128-bit path), beyond 34: refused the same way.
  BOOST_TEST(enc(dec("1234567890123456789012345678901234567.8")).find("38 significant digits") !=
             std::string::npos);
  // 34 digits from a DECIMAL(65,30) column still encode exactly.
  BOOST_TEST(enc(dec("1234.000000000000000000000000000001")) ==
             R"({ "v" : { "$numberDecimal" : "1234.000000000000000000000000000001" } })");
}

BOOST_AUTO_TEST_CASE(dates_and_times) {
  int32_t day = *temporal::parse_date("2024-02-29");
  BOOST_TEST(enc(Value::date(day)) ==
             R"({ "v" : { "$date" : { "$numberLong" : "1709164800000" } } })");
  int64_t ts = *temporal::parse_timestamp("2024-02-29T13:45:59.123456Z");
  // Micros -> ms: the BSON date holds milliseconds; .123456 becomes .123.
  BOOST_TEST(enc(Value::timestamp(ts)) ==
             R"({ "v" : { "$date" : { "$numberLong" : "1709214359123" } } })");
  BOOST_TEST(enc(Value::datetime(ts)) ==
             R"({ "v" : { "$date" : { "$numberLong" : "1709214359123" } } })");
  // Before 1970: rounds toward the past, never toward zero.
  BOOST_TEST(enc(Value::timestamp(-1500)) == R"({ "v" : { "$date" : { "$numberLong" : "-2" } } })");
  BOOST_TEST(enc(Value::time(*temporal::parse_time("13:45:59.123"))) ==
             R"({ "v" : "13:45:59.123" })");
  BOOST_TEST(enc(Value::time(*temporal::parse_time("-01:00:00"))) == R"({ "v" : "-01:00:00" })");
}

BOOST_AUTO_TEST_CASE(bytes_are_binary) {
  BOOST_TEST(enc(Value::bytes(std::string("\x00\x01\xff", 3))) ==
             R"({ "v" : { "$binary" : { "base64" : "AAH/", "subType" : "00" } } })");
  BOOST_TEST(enc(Value::bytes("")) ==
             R"({ "v" : { "$binary" : { "base64" : "", "subType" : "00" } } })");
}

BOOST_AUTO_TEST_CASE(nesting_and_lists_are_kept) {
  Object inner;
  inner.append(intern("city"), Value::string("Bern"));
  inner.append(intern("zip"), Value::int64(3000));
  List l{Value::int64(1), dec("2.50"), Value::string("x"), Value::object(inner),
         Value::list({Value::null()})};
  Object o;
  o.append(intern("address"), Value::object(inner));
  o.append(intern("tags"), Value::list(l));
  o.append(intern("empty"), Value::list({}));
  BsonDoc d;
  std::string err;
  BOOST_REQUIRE(BsonEncoder::append_fields(d.get(), o, err));
  BOOST_TEST(d.canonical_json() ==
             R"({ "address" : { "city" : "Bern", "zip" : { "$numberLong" : "3000" } }, )"
             R"("tags" : [ { "$numberLong" : "1" }, { "$numberDecimal" : "2.50" }, "x", )"
             R"({ "city" : "Bern", "zip" : { "$numberLong" : "3000" } }, [ null ] ], )"
             R"("empty" : [  ] })");  // libbson prints an empty array so
}

BOOST_AUTO_TEST_CASE(bad_input_is_an_error_not_a_crash) {
  BOOST_TEST(enc(Value::string(std::string("a\xff\xfe", 3))).rfind("ERROR: ", 0) == 0u);
  BsonDoc d;
  std::string err;
  BOOST_TEST(!BsonEncoder::append(d.get(), std::string_view("a\0b", 3), Value::int64(1), err));
  BOOST_TEST(err.find("NUL") != std::string::npos);
  // 200 levels of nesting: refused at 100.
  Value v = Value::int64(1);
  for (int i = 0; i < 200; ++i) v = Value::list({v});
  BOOST_TEST(enc(v).find("nesting deeper than 100") != std::string::npos);
  // A decimal beyond 34 digits deep inside a list: the whole value is refused.
  BOOST_TEST(enc(Value::list({Value::int64(1), dec("1234567890123456789012345678901234567")}))
                 .rfind("ERROR: ", 0) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
