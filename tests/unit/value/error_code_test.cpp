// The error-code facility (base/error_code.h): a module's errc with name, kind and message,
// carried by sluice::error; evaluation errors come back from eval::evaluate with their code.
#include <boost/test/unit_test.hpp>

#include "ast_helpers.h"
#include "base/result.h"
#include "dsl/eval/errc.h"

using namespace th;  // NOLINT
using sluice::error;
using sluice::error_code;
using sluice::failure_kind;
using sluice::Object;
namespace eval = sluice::eval;

// A module of this test: its errc and category, as a module's errc.h/errc.cpp declare them.
#define DEMO_ERRORS(X)                   \
  X(first, "write", "the first failure") \
  X(second, "decode", "the second failure")
SLUICE_ERRC_ENUM(demo, DEMO_ERRORS)
SLUICE_ERRC_CATEGORY(demo, "demo", DEMO_ERRORS)

BOOST_AUTO_TEST_SUITE(error_codes)

BOOST_AUTO_TEST_CASE(a_code_names_its_module_and_value) {
  error_code c = demo::errc::second;  // any module errc converts
  BOOST_TEST(static_cast<bool>(c));
  BOOST_TEST(c.value() == 1);
  BOOST_TEST(std::string(c.module()) == "demo");
  BOOST_TEST(std::string(c.name()) == "second");
  BOOST_TEST(std::string(c.kind()) == "decode");
  BOOST_TEST(std::string(c.message()) == "the second failure");
  BOOST_TEST(c.qualified() == "demo.second");
  BOOST_TEST((c == demo::errc::second));
  BOOST_TEST((c != demo::errc::first));
  BOOST_TEST((c.category() == &demo::kErrcCategory));
}

BOOST_AUTO_TEST_CASE(no_code_and_unknown_values_read_safely) {
  error_code none;
  BOOST_TEST(!none);
  BOOST_TEST(std::string(none.module()).empty());
  BOOST_TEST(std::string(none.name()).empty());
  BOOST_TEST(none.qualified().empty());
  BOOST_TEST((none == error_code()));
  BOOST_TEST((none != demo::errc::first));
  error_code odd(7, demo::kErrcCategory);
  BOOST_TEST(std::string(odd.name()) == "?");
  BOOST_TEST(odd.qualified() == "demo.?");
}

BOOST_AUTO_TEST_CASE(codes_of_different_modules_differ) {
  error_code a = demo::errc::first;
  error_code b = eval::errc::type_mismatch;  // value 0 as well
  BOOST_TEST(a.value() == b.value());
  BOOST_TEST((a != b));
}

BOOST_AUTO_TEST_CASE(the_eval_module_has_readable_codes) {
  error_code c = eval::errc::division_by_zero;
  BOOST_TEST(std::string(c.module()) == "eval");
  BOOST_TEST(c.qualified() == "eval.division_by_zero");
  BOOST_TEST(std::string(c.kind()) == "eval");
  BOOST_TEST(std::string(c.message()) == "division by zero");
  BOOST_TEST(std::string(error_code(eval::errc::overflow).name()) == "overflow");
  BOOST_TEST(std::string(error_code(eval::errc::bad_cast).name()) == "bad_cast");
}

BOOST_AUTO_TEST_CASE(an_error_carries_kind_code_and_message) {
  error e = error::transient(demo::errc::first, "broker down");
  BOOST_TEST((e.kind == failure_kind::transient));
  BOOST_TEST((e.code == demo::errc::first));
  BOOST_TEST(e.message == "broker down");
  BOOST_TEST(e.describe() == "demo.first: broker down");
  error plain = error::fatal("no code");
  BOOST_TEST(!plain.code);
  BOOST_TEST(plain.describe() == "no code");
  sluice::result<int> r = error::permanent(demo::errc::second, "bad");
  BOOST_TEST(!r.ok());
  BOOST_TEST(r.err().code.qualified() == "demo.second");
}

BOOST_AUTO_TEST_CASE(evaluate_returns_evaluation_errors_with_their_code) {
  Object row;
  row.set(sluice::intern("n"), Value::int64(7));
  row.set(sluice::intern("zero"), Value::int64(0));
  row.set(sluice::intern("big"), Value::int64(INT64_MAX));
  row.set(sluice::intern("text"), Value::string("twelve"));
  eval::Context ctx;
  ctx.row = &row;
  auto code_of = [&](const ExprPtr& e) {
    auto c = eval::compile(*e, {});
    BOOST_REQUIRE(c.ok());
    auto v = eval::evaluate(*c.value(), ctx);
    BOOST_REQUIRE(!v.ok());
    BOOST_TEST((v.err().kind == failure_kind::permanent));
    BOOST_TEST(!v.err().message.empty());
    return v.err().code.qualified();
  };
  BOOST_TEST(code_of(bin("/", field("n"), field("zero"))) == "eval.division_by_zero");
  BOOST_TEST(code_of(bin("+", field("big"), i(1))) == "eval.overflow");
  BOOST_TEST(code_of(bin("-", field("text"), i(1))) == "eval.type_mismatch");
  BOOST_TEST(code_of(call("to_int", field("text"))) == "eval.bad_cast");
  auto ok = eval::compile(*bin("+", field("n"), i(1)), {});
  BOOST_REQUIRE(ok.ok());
  auto v = eval::evaluate(*ok.value(), ctx);
  BOOST_REQUIRE(v.ok());
  BOOST_TEST(v->as_int() == 8);
}

BOOST_AUTO_TEST_SUITE_END()
