#include "base/decimal.h"

#include <boost/test/unit_test.hpp>

using sluice::Decimal;

namespace {
Decimal D(const char* s) {
  auto d = Decimal::parse(s);
  BOOST_REQUIRE_MESSAGE(d.has_value(), std::string("parse failed: ") + s);
  return *d;
}
std::string S(const std::optional<Decimal>& d) { return d ? d->to_string() : "overflow"; }
}  // namespace

BOOST_AUTO_TEST_SUITE(decimal)

BOOST_AUTO_TEST_CASE(parse_keeps_written_scale) {
  BOOST_TEST(D("1.50").to_string() == "1.50");
  BOOST_TEST(D("1.50").scale() == 2);
  BOOST_TEST(D("-0.01").to_string() == "-0.01");
  BOOST_TEST(D("42").to_string() == "42");
  BOOST_TEST(D("+7.0").to_string() == "7.0");
  BOOST_TEST(D("0.000").to_string() == "0.000");
  BOOST_TEST(D(".5").to_string() == "0.5");
  BOOST_TEST(D("1e3").to_string() == "1000");
  BOOST_TEST(D("1.5e-3").to_string() == "0.0015");
  BOOST_TEST(D("12.5E+1").to_string() == "125");
  BOOST_TEST(D("00012.30").to_string() == "12.30");
  BOOST_TEST(!Decimal::parse("").has_value());
  BOOST_TEST(!Decimal::parse("abc").has_value());
  BOOST_TEST(!Decimal::parse("1.2.3").has_value());
  BOOST_TEST(!Decimal::parse("1e").has_value());
  BOOST_TEST(!Decimal::parse("-").has_value());
  BOOST_TEST(!Decimal::parse("1 ").has_value());
}

BOOST_AUTO_TEST_CASE(thirty_eight_digits) {
  const char* max = "99999999999999999999999999999999999999";  // 38 nines
  BOOST_TEST(D(max).to_string() == max);
  BOOST_TEST(D("-9999999999999999999999999999999999999.9").to_string() ==
             "-9999999999999999999999999999999999999.9");
  BOOST_TEST(D("999999999999999999999999999999999999999").is_wide());  // 39: the wide path
  BOOST_TEST(D("0.00000000000000000000000000000000000001").scale() == 38);
  BOOST_TEST(D(max).precision() == 38);
  BOOST_TEST(D("0.05").precision() == 1);
}

BOOST_AUTO_TEST_CASE(add_sub_mul) {
  BOOST_TEST(S(D("1.5").add(D("2.25"))) == "3.75");
  BOOST_TEST(S(D("0.1").add(D("0.2"))) == "0.3");
  BOOST_TEST(S(D("1.00").sub(D("3"))) == "-2.00");
  BOOST_TEST(S(D("1.5").mul(D("-2.5"))) == "-3.75");
  BOOST_TEST(S(D("0.10").mul(D("0.10"))) == "0.0100");
  const char* max = "99999999999999999999999999999999999999";
  // Beyond 38 digits the wide path takes over, exactly.
  BOOST_TEST(S(D(max).add(D("1"))) == "100000000000000000000000000000000000000");
  BOOST_TEST(S(D(max).neg().sub(D("1"))) == "-100000000000000000000000000000000000000");
  BOOST_TEST(S(D(max).add(D("0.1"))) == "99999999999999999999999999999999999999.1");
  BOOST_TEST(S(D("10000000000000000000").mul(D("10000000000000000000"))) ==
             "100000000000000000000000000000000000000");
  BOOST_TEST(S(D("1000000000000000000").mul(D("10000000000000000000"))) ==
             "10000000000000000000000000000000000000");
}

BOOST_AUTO_TEST_CASE(division_rounds_half_away_from_zero) {
  BOOST_TEST(S(D("1").div(D("3"), 6)) == "0.333333");
  BOOST_TEST(S(D("2").div(D("3"), 2)) == "0.67");
  BOOST_TEST(S(D("-2").div(D("3"), 2)) == "-0.67");
  BOOST_TEST(S(D("1").div(D("8"), 2)) == "0.13");    // .125 -> .13
  BOOST_TEST(S(D("-1").div(D("8"), 2)) == "-0.13");  // away from zero
  BOOST_TEST(S(D("7.50").div(D("2.5"), 0)) == "3");
  BOOST_TEST(S(D("1").div(D("0"), 2)) == "overflow");
  BOOST_TEST(S(D("1").div(D("0.0000001"), 30)) == "10000000.000000000000000000000000000000");
  BOOST_TEST(S(D("1").div(D("0.0000001"), 32)) == "10000000.00000000000000000000000000000000");
  // Slow path: the scaled numerator does not fit 128 bits but the quotient does.
  BOOST_TEST(S(D("12345678901234567890.123").div(D("12345678901234567890.123"), 30)) ==
             "1.000000000000000000000000000000");
  BOOST_TEST(S(D("1").div(D("99999999999999999999999999999999999999"), 38)) ==
             "0.00000000000000000000000000000000000001");
}

BOOST_AUTO_TEST_CASE(remainder) {
  BOOST_TEST(S(D("7.5").rem(D("2"))) == "1.5");
  BOOST_TEST(S(D("-7.5").rem(D("2"))) == "-1.5");
  BOOST_TEST(S(D("1").rem(D("0"))) == "overflow");
}

BOOST_AUTO_TEST_CASE(round_and_rescale) {
  BOOST_TEST(S(D("2.345").round(2)) == "2.35");
  BOOST_TEST(S(D("-2.345").round(2)) == "-2.35");
  BOOST_TEST(S(D("2.344").round(2)) == "2.34");
  BOOST_TEST(S(D("1234").round(-2)) == "1200");
  BOOST_TEST(S(D("1250").round(-2)) == "1300");
  BOOST_TEST(S(D("-1250").round(-2)) == "-1300");
  BOOST_TEST(S(D("-1249.99").round(-2)) == "-1200");
  BOOST_TEST(S(D("1.5").round(0)) == "2");
  BOOST_TEST(S(D("-0.5").round(0)) == "-1");
  BOOST_TEST(S(D("1.5").round(3)) == "1.500");
  BOOST_TEST(S(D("1.5").rescale(4)) == "1.5000");
  BOOST_TEST(S(D("1.55").rescale(1)) == "1.6");
  BOOST_TEST(S(D("99999999999999999999999999999999999999").rescale(1)) ==
             "99999999999999999999999999999999999999.0");
}

BOOST_AUTO_TEST_CASE(compare_across_scales) {
  BOOST_TEST((D("1.5") == D("1.50")));
  BOOST_TEST(D("1.5").compare(D("1.50")) == 0);
  BOOST_TEST(D("1.49").compare(D("1.5")) < 0);
  BOOST_TEST(D("-1.5").compare(D("-1.49")) < 0);
  BOOST_TEST(D("0").compare(D("0.000")) == 0);
  // Scaling the lower-scale side up would overflow: must still order correctly.
  BOOST_TEST(D("99999999999999999999999999999999999999")
                 .compare(D("0.00000000000000000000000000000000000001")) > 0);
  BOOST_TEST(D("-99999999999999999999999999999999999999")
                 .compare(D("-0.00000000000000000000000000000000000001")) < 0);
  BOOST_TEST(D("0.00000000000000000000000000000000000001")
                 .compare(D("99999999999999999999999999999999999999")) < 0);
}

BOOST_AUTO_TEST_CASE(conversions) {
  BOOST_TEST(*D("12.99").to_int64() == 12);
  BOOST_TEST(*D("-12.99").to_int64() == -12);
  BOOST_TEST(!D("99999999999999999999").to_int64().has_value());
  BOOST_TEST(D("0.1").to_double() == 0.1);
  BOOST_TEST(Decimal::from_int(-5).to_string() == "-5");
}

namespace {
const char* kMax65 = "99999999999999999999999999999999999.999999999999999999999999999999";
const char* kMin65 = "-99999999999999999999999999999999999.999999999999999999999999999999";
const char* k76 = "9999999999999999999999999999999999999999999999999999999999999999999999999999";
}  // namespace

BOOST_AUTO_TEST_CASE(wide_parse_and_text) {
  BOOST_TEST(D(kMax65).to_string() == kMax65);
  BOOST_TEST(D(kMin65).to_string() == kMin65);
  BOOST_TEST(D(kMin65).is_wide());
  BOOST_TEST(D(kMin65).scale() == 30);
  BOOST_TEST(D(kMin65).precision() == 65);
  BOOST_TEST(D(kMin65).sign() == -1);
  BOOST_TEST(D(kMin65).unscaled_digits() ==
             "99999999999999999999999999999999999999999999999999999999999999999");
  BOOST_TEST(D(k76).to_string() == k76);
  BOOST_TEST(D(k76).precision() == 76);
  BOOST_TEST(!Decimal::parse(std::string(k76) + "9").has_value());  // 77 digits: refused
  BOOST_TEST(D("1e75").precision() == 76);
  BOOST_TEST(!Decimal::parse("1e76").has_value());
  BOOST_TEST(D("0.1e40").to_string() == "1000000000000000000000000000000000000000");
  // Leading zeros are not significant; a 38-digit result of a wide value is narrow again.
  BOOST_TEST(!D("00000000000000000000000000000000000000000001.5").is_wide());
  BOOST_TEST(!D(kMax65).sub(D(kMax65))->is_wide());
  BOOST_TEST(D(kMax65).sub(D(kMax65))->to_string() == "0.000000000000000000000000000000");
}

BOOST_AUTO_TEST_CASE(wide_arithmetic) {
  BOOST_TEST(S(D(kMax65).add(D("0.000000000000000000000000000001"))) ==
             "100000000000000000000000000000000000.000000000000000000000000000000");
  BOOST_TEST(S(D(kMin65).add(D(kMax65))) == "0.000000000000000000000000000000");
  BOOST_TEST(S(D(kMax65).sub(D(kMin65))) ==
             "199999999999999999999999999999999999.999999999999999999999999999998");
  BOOST_TEST(S(D(kMin65).mul(D("-2"))) ==
             "199999999999999999999999999999999999.999999999999999999999999999998");
  BOOST_TEST(S(D("12345678901234567890123456789").mul(D("98765432109876543210987654321"))) ==
             "1219326311370217952261850327336229233322374638011112635269");
  BOOST_TEST(S(D(kMax65).div(D("3"), 30)) ==
             "33333333333333333333333333333333333.333333333333333333333333333333");
  BOOST_TEST(S(D(kMin65).div(D("-8"), 2)) == "12500000000000000000000000000000000.00");
  BOOST_TEST(S(D(kMax65).div(D(kMax65), 5)) == "1.00000");
  BOOST_TEST(S(D(kMax65).div(D("0"), 5)) == "overflow");
  BOOST_TEST(S(D(kMin65).rem(D("7"))) == "-4.999999999999999999999999999999");
  BOOST_TEST(S(D(kMax65).rem(D("0"))) == "overflow");
  BOOST_TEST(S(D(kMin65).neg()) == kMax65);
  BOOST_TEST(S(D(kMin65).abs()) == kMax65);
}

BOOST_AUTO_TEST_CASE(wide_overflow_beyond_76_digits_is_reported) {
  BOOST_TEST(S(D(k76).add(D("1"))) == "overflow");
  BOOST_TEST(S(D(k76).neg().sub(D("1"))) == "overflow");
  BOOST_TEST(S(D(kMax65).mul(D(kMax65))) == "overflow");  // 130 digits, never rounded
  BOOST_TEST(S(D(k76).rescale(1)) == "overflow");
  BOOST_TEST(S(D(k76).div(D("0.1"), 0)) == "overflow");
  BOOST_TEST(S(D(k76).round(-1)) == "overflow");  // rounds up to 10^76
}

BOOST_AUTO_TEST_CASE(wide_round_rescale_compare) {
  BOOST_TEST(S(D(kMax65).rescale(2)) == "100000000000000000000000000000000000.00");
  BOOST_TEST(S(D(kMin65).rescale(32)) ==
             "-99999999999999999999999999999999999.99999999999999999999999999999900");
  BOOST_TEST(S(D(kMin65).round(-3)) == "-100000000000000000000000000000000000");
  BOOST_TEST(S(D("12345678901234567890123456789012345.123456789012345678901234567890").round(3)) ==
             "12345678901234567890123456789012345.123");
  BOOST_TEST(D(kMin65).compare(D(kMax65)) < 0);
  BOOST_TEST(D(kMax65).compare(D("1")) > 0);
  BOOST_TEST(D(kMin65).compare(D("-1")) < 0);
  BOOST_TEST(D("1").compare(D(kMax65)) < 0);
  BOOST_TEST(D(kMax65).compare(D((std::string(kMax65) + "000").c_str())) == 0);
  // A wide value equal to a narrow one: 15 with 38 zero decimals (40 digits) == 15.
  Decimal wide15 = D("15.00000000000000000000000000000000000000");
  BOOST_TEST(wide15.is_wide());
  BOOST_TEST((wide15 == D("15")));
  BOOST_TEST((wide15 == D("15.0")));
  BOOST_TEST(*wide15.to_int64() == 15);
  BOOST_TEST(!D(kMax65).to_int64().has_value());
}

BOOST_AUTO_TEST_CASE(wide_twos_complement_bytes) {
  for (const char* t :
       {kMax65, kMin65, k76, "-1", "0", "127", "128", "-128", "-129",
        "99999999999999999999999999999999999999", "-100000000000000000000000000000000000000"}) {
    Decimal d = D(t);
    auto back = Decimal::from_be_bytes(d.to_be_bytes(), d.scale());
    BOOST_REQUIRE(back.has_value());
    BOOST_TEST(back->to_string() == t);
  }
  BOOST_TEST(D("127").to_be_bytes() == std::string("\x7f"));
  BOOST_TEST(D("128").to_be_bytes() == std::string("\x00\x80", 2));
  BOOST_TEST(D("-129").to_be_bytes() == std::string("\xff\x7f"));
  BOOST_TEST(D(kMin65).to_be_bytes().size() == 28u);                            // 10^65 < 2^217
  BOOST_TEST(!Decimal::from_be_bytes(std::string(40, '\x7f'), 0).has_value());  // > 76 digits
  // Redundant sign bytes are fine.
  BOOST_TEST(Decimal::from_be_bytes(std::string(30, '\xff'), 2)->to_string() == "-0.01");
  BOOST_TEST(Decimal::from_be_bytes(std::string(1000, '\xff') + "\x85", 0)->to_string() == "-123");
  BOOST_TEST(Decimal::from_be_bytes(std::string(1000, '\0') + "\x80", 1)->to_string() == "12.8");
  BOOST_TEST(!Decimal::from_be_bytes("\x01" + std::string(1000, '\0'), 0).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
