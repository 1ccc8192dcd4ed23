#include "base/json.h"

#include <boost/test/unit_test.hpp>

#include "base/temporal.h"
#include "print.h"
#include "support/fuzz_seed.h"

using sluice::Type;
using sluice::Value;
namespace json = sluice::json;

namespace {
Value parse_ok(std::string_view text) {
  sluice::test::fuzz_seed("fuzz_json", text);
  auto r = json::parse(text);
  BOOST_REQUIRE_MESSAGE(r.ok(), "parse failed: " + (r.ok() ? std::string() : r.err().message));
  return r.value();
}
std::string parse_err(std::string_view text) {
  sluice::test::fuzz_seed("fuzz_json", text);
  auto r = json::parse(text);
  return r.ok() ? std::string() : r.err().message;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(json_codec)

BOOST_AUTO_TEST_CASE(numbers_are_exact) {
  Value v = parse_ok("1.50");
  BOOST_TEST(v.type() == Type::Decimal);
  BOOST_TEST(json::encode(v) == "1.50");
  BOOST_TEST(parse_ok("42").type() == Type::Int);
  BOOST_TEST(parse_ok("-9223372036854775808").as_int() == INT64_MIN);
  Value big = parse_ok("18446744073709551615");
  BOOST_TEST(big.type() == Type::UInt);
  BOOST_TEST(big.as_uint() == UINT64_MAX);
  BOOST_TEST(json::encode(big) == "18446744073709551615");
  Value huge = parse_ok("123456789012345678901234567890");
  BOOST_TEST(huge.type() == Type::Decimal);
  BOOST_TEST(json::encode(huge) == "123456789012345678901234567890");
  Value e = parse_ok("1e-3");
  BOOST_TEST(e.type() == Type::Decimal);
  BOOST_TEST(json::encode(e) == "0.001");
  // Beyond an exact decimal a number is a double only where the double is that number (its
  // shortest form gives the same digits): 1.5e300 and 1.2e-40 are; 1e400 (it was null, as
  // infinity), 1e-400 (it was 0) and 41 digits (1.0 as a double) are refused, never changed.
  BOOST_TEST(parse_ok("1.5e300").type() == Type::Float);
  BOOST_TEST(json::encode(parse_ok("1.5e300")) == "1.5e+300");
  BOOST_TEST(parse_ok("-1.2E-40").as_float() == -1.2e-40);
  BOOST_TEST(parse_ok("1.7976931348623157e308").as_float() == 1.7976931348623157e308);
  for (const char* t : {"1e400", "-1e400", "1e-400", "1.0000000000000000000000000000000000000001",
                        "1e99999999999999999999"}) {
    const std::string err = parse_err(t);
    BOOST_TEST(err.find("has no exact form here") != std::string::npos, t << ": " << err);
  }
  BOOST_TEST(parse_err("{\"b\": 1e400}").find("the number 1e400") != std::string::npos);
  BOOST_TEST(json::encode(Value::float64(0.1)) == "0.1");
  BOOST_TEST(json::encode(Value::float64(3.0)) == "3.0");
  BOOST_TEST(json::encode(Value::float64(1.0 / 0.0)) == "null");
}

BOOST_AUTO_TEST_CASE(wide_decimals_digit_for_digit) {
  const char* t = "-99999999999999999999999999999999999.999999999999999999999999999999";
  Value v = parse_ok(std::string("{\"d\": ") + t + "}");
  const Value* d = v.as_object().find(sluice::intern("d"));
  BOOST_REQUIRE(d != nullptr);
  BOOST_TEST(d->type() == Type::Decimal);
  BOOST_TEST(d->as_decimal().to_string() == t);
  BOOST_TEST(json::encode(v) == std::string("{\"d\":") + t + "}");
  BOOST_TEST((parse_ok(json::encode(v)) == v));
  // 76 digits are the limit of a decimal; beyond it a JSON number that no double equals is
  // refused (it was rounded to a double).
  std::string n76(76, '9');
  BOOST_TEST(parse_ok(n76).type() == Type::Decimal);
  BOOST_TEST(json::encode(parse_ok(n76)) == n76);
  BOOST_TEST(parse_err(n76 + "9").find("has no exact form here") != std::string::npos);
  BOOST_TEST(json::encode(parse_ok("0." + n76.substr(0, 38))) == "0." + n76.substr(0, 38));
}

BOOST_AUTO_TEST_CASE(strings_and_unicode) {
  Value v = parse_ok(R"("a\"b\\c\n\u00e9\ud83d\ude00/\/")");
  BOOST_TEST(v.as_string() == "a\"b\\c\n\xc3\xa9\xf0\x9f\x98\x80//");
  BOOST_TEST(json::encode(v) == "\"a\\\"b\\\\c\\n\xc3\xa9\xf0\x9f\x98\x80//\"");
  BOOST_TEST(json::encode(Value::string(std::string("\x01", 1))) == "\"\\u0001\"");
  BOOST_TEST(parse_err(R"("\ud83d")").find("surrogate") != std::string::npos);
  BOOST_TEST(parse_err(R"("\ude00")").find("surrogate") != std::string::npos);
  BOOST_TEST(parse_err(R"("\x")").find("escape") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(round_trip_nested) {
  std::string text =
      R"({"id":18446744073709551615,"amount":1.50,"neg":-0.01,"ok":true,"none":null,)"
      R"("tags":["a","b",[]],"nested":{"x":{"y":1e2},"z":{}},"s":"caf\u00e9"})";
  Value v = parse_ok(text);
  BOOST_TEST(v.type() == Type::Object);
  std::string out = json::encode(v);
  BOOST_TEST(out == R"({"id":18446744073709551615,"amount":1.50,"neg":-0.01,"ok":true,"none":null,)"
                    R"("tags":["a","b",[]],"nested":{"x":{"y":100},"z":{}},"s":"café"})");
  BOOST_TEST(json::encode(parse_ok(out)) == out);
}

BOOST_AUTO_TEST_CASE(errors_have_byte_offsets) {
  BOOST_TEST(parse_err(R"({"a":1,})").find("at byte 7") != std::string::npos);
  BOOST_TEST(parse_err("[1 2]").find("at byte 3") != std::string::npos);
  BOOST_TEST(parse_err("").find("at byte 0") != std::string::npos);
  BOOST_TEST(parse_err("01") != "");
  BOOST_TEST(parse_err("1.") != "");
  BOOST_TEST(parse_err("[1] x").find("at byte 4") != std::string::npos);
  BOOST_TEST(parse_err("\"abc").find("unterminated") != std::string::npos);
  BOOST_TEST(parse_err("tru") != "");
}

BOOST_AUTO_TEST_CASE(temporal_and_bytes_encoding) {
  int32_t day = sluice::temporal::days_from_civil(2024, 2, 29);
  int64_t micros = day * 86400LL * 1000000 + ((13 * 60 + 45) * 60 + 59) * 1000000LL + 123000;
  BOOST_TEST(json::encode(Value::date(day)) == "\"2024-02-29\"");
  BOOST_TEST(json::encode(Value::time(((13 * 60 + 45) * 60 + 59) * 1000000LL + 123000)) ==
             "\"13:45:59.123\"");
  BOOST_TEST(json::encode(Value::datetime(micros)) == "\"2024-02-29T13:45:59.123000\"");
  BOOST_TEST(json::encode(Value::timestamp(micros)) == "\"2024-02-29T13:45:59.123Z\"");
  BOOST_TEST(json::encode(Value::bytes("hello")) == "\"aGVsbG8=\"");
}

BOOST_AUTO_TEST_CASE(base64) {
  for (std::string s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar",
                                                std::string("\0\xff\x10", 3)}) {
    auto d = json::base64_decode(json::base64_encode(s));
    BOOST_REQUIRE(d.ok());
    BOOST_TEST(d.value() == s);
  }
  BOOST_TEST(json::base64_encode("foobar") == "Zm9vYmFy");
  BOOST_TEST(!json::base64_decode("Zm9v!").ok());
}

BOOST_AUTO_TEST_SUITE_END()
