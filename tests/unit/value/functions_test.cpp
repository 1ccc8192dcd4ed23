// Every built-in function with normal, null and error inputs; null semantics; secrets.
#include "dsl/eval/functions.h"

#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <fstream>

#include "ast_helpers.h"
#include "base/secrets.h"
#include "base/temporal.h"

using namespace th;  // NOLINT
using sluice::Object;
using sluice::eval::Context;
using sluice::eval::Scope;

namespace {

// Runs the call with its arguments read from row fields (so nothing is constant-folded).
struct Fx {
  Object row;
  Context ctx;
  sluice::eval::GenState gen;
  Fx() {
    ctx.row = &row;
    ctx.gen = &gen;
  }
  ExprPtr put(const std::string& name, Value v) {
    row.set(sluice::intern(name), std::move(v));
    return field(name);
  }
  std::string run(const ExprPtr& e) {
    Scope scope;
    scope.allow_generate = true;
    return show(eval(e, ctx, scope));
  }
  std::string err(const ExprPtr& e) {
    Scope scope;
    scope.allow_generate = true;
    return eval_error(e, ctx, scope);
  }
};

Value dec(const char* s) { return Value::decimal(*sluice::Decimal::parse(s)); }

}  // namespace

BOOST_AUTO_TEST_SUITE(functions)

BOOST_AUTO_TEST_CASE(table_is_complete) {
  for (const char* name :
       {"lower",          "upper",    "trim",         "length",      "substr",       "replace",
        "concat",         "coalesce", "now",          "to_string",   "to_int",       "to_float",
        "to_decimal",     "round",    "abs",          "to_date",     "to_timestamp", "date_trunc",
        "year",           "month",    "day",          "hash",        "sha256",       "mask",
        "regex_match",    "env",      "secret",       "secret_file", "seq",          "random_int",
        "random_decimal", "pick",     "random_string"}) {
    const auto* f = sluice::eval::find_function(name);
    BOOST_REQUIRE_MESSAGE(f != nullptr, name);
    BOOST_TEST(f->impl != nullptr);
    BOOST_TEST(std::string(f->doc).size() > 10u);
  }
  BOOST_TEST(sluice::eval::find_function("secret")->option_only);
  BOOST_TEST(sluice::eval::find_function("pick")->generate_only);
  BOOST_TEST(!sluice::eval::find_function("concat")->null_propagates);
  for (const char* name : {"count", "count_distinct", "sum", "avg", "min", "max", "first", "last",
                           "collect_set", "collect_list"})
    BOOST_TEST(sluice::eval::find_aggregate(name) != nullptr);
  BOOST_TEST(sluice::eval::find_aggregate("count")->min_args == 0);
  BOOST_TEST(sluice::eval::find_aggregate("upper") == nullptr);
}

BOOST_AUTO_TEST_CASE(string_functions) {
  Fx f;
  auto str = [&](const char* v) { return f.put("s", Value::string(v)); };
  BOOST_TEST(f.run(call("lower", str("ÀBc"))) == "string:Àbc");
  BOOST_TEST(f.run(call("upper", str("abç"))) == "string:ABç");
  BOOST_TEST(f.run(call("trim", str("  a b \n"))) == "string:a b");
  BOOST_TEST(f.run(call("trim", str("   "))) == "string:");
  BOOST_TEST(f.run(call("length", str("héllo"))) == "int:5");
  BOOST_TEST(f.run(call("length", f.put("l", Value::list({Value(), Value()})))) == "int:2");
  BOOST_TEST(f.run(call("substr", str("héllo"), i(2), i(3))) == "string:éll");
  BOOST_TEST(f.run(call("substr", str("héllo"), i(4))) == "string:lo");
  BOOST_TEST(f.run(call("substr", str("abc"), i(10))) == "string:");
  BOOST_TEST(f.run(call("replace", str("a-b-c"), s("-"), s("+"))) == "string:a+b+c");
  BOOST_TEST(f.run(call("concat", str("a"), null(), i(1), d("1.50"))) == "string:a11.50");
  BOOST_TEST(f.run(call("mask", str("4111111111111111"))) == "string:************1111");
  BOOST_TEST(f.run(call("mask", str("héllo"), i(2))) == "string:***lo");
  BOOST_TEST(f.run(call("mask", str("ab"))) == "string:ab");
  BOOST_TEST(f.run(call("regex_match", str("order-123"), s("^order-[0-9]+$"))) == "bool:true");
  BOOST_TEST(f.run(call("regex_match", str("order-x"), s("^order-[0-9]+$"))) == "bool:false");
  BOOST_TEST(f.run(call("regex_match", str("abc"), f.put("p", Value::string("b")))) == "bool:true");
  BOOST_TEST(f.run(call("to_string", f.put("v", dec("1.50")))) == "string:1.50");
  BOOST_TEST(f.run(call("to_string", f.put("v", Value::date(0)))) == "string:1970-01-01");
  // errors
  BOOST_TEST(f.err(call("upper", f.put("n", Value::int64(3)))) ==
             "upper(): argument 1 must be a string, got int");
  BOOST_TEST(f.err(call("length", f.put("n", Value::int64(3)))).find("length()") == 0u);
  BOOST_TEST(f.err(call("substr", str("abc"), i(1), i(-1))).find("must not be negative") !=
             std::string::npos);
  BOOST_TEST(compile_error(call("regex_match", str("abc"), s("("))).find("invalid pattern") !=
             std::string::npos);
  BOOST_TEST(f.err(call("regex_match", str("abc"), f.put("p", Value::string("["))))
                 .find("invalid pattern") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(number_functions) {
  Fx f;
  BOOST_TEST(f.run(call("to_int", f.put("v", Value::string("-42")))) == "int:-42");
  BOOST_TEST(f.run(call("to_int", f.put("v", dec("-12.99")))) == "int:-12");
  BOOST_TEST(f.run(call("to_int", f.put("v", Value::float64(3.9)))) == "int:3");
  BOOST_TEST(f.run(call("to_int", f.put("v", Value::boolean(true)))) == "int:1");
  BOOST_TEST(f.err(call("to_int", f.put("v", Value::string("12abc")))) ==
             "to_int(): string \"12abc\" is not an integer");
  BOOST_TEST(
      f.err(call("to_int", f.put("v", Value::uint64(UINT64_MAX)))).find("out of the int range") !=
      std::string::npos);
  BOOST_TEST(f.run(call("to_float", f.put("v", dec("2.50")))) == "float:2.5");
  BOOST_TEST(f.run(call("to_float", f.put("v", Value::string("1e3")))) == "float:1000.0");
  BOOST_TEST(f.err(call("to_float", f.put("v", Value::string("x")))).find("not a number") !=
             std::string::npos);
  BOOST_TEST(f.run(call("to_decimal", f.put("v", Value::int64(5)), i(2))) == "decimal:5.00");
  BOOST_TEST(f.run(call("to_decimal", f.put("v", Value::string("2.345")), i(2))) == "decimal:2.35");
  BOOST_TEST(f.run(call("to_decimal", f.put("v", Value::float64(0.1)), i(3))) == "decimal:0.100");
  BOOST_TEST(f.run(call("to_decimal", f.put("v", dec("-1.005")), i(2))) == "decimal:-1.01");
  BOOST_TEST(
      f.err(call("to_decimal", f.put("v", Value::string("abc")), i(2))).find("not a decimal") !=
      std::string::npos);
  BOOST_TEST(
      f.err(call("to_decimal", f.put("v", Value::int64(1)), i(39))).find("between 0 and 38") !=
      std::string::npos);
  // 35 digits at scale 5 is 40 digits: the wide path, exact; 72 + 5 digits do not fit.
  BOOST_TEST(f.run(call("to_decimal", f.put("v", dec("99999999999999999999999999999999999")),
                        i(5))) == "decimal:99999999999999999999999999999999999.00000");
  BOOST_TEST(f.err(call("to_decimal", f.put("v", dec(std::string(72, '9').c_str())), i(5)))
                 .find("does not fit 76 digits") != std::string::npos);
  const char* wide = "-12345678901234567890123456789012345.123456789012345678901234567895";
  BOOST_TEST(f.run(call("round", f.put("v", dec(wide)), i(29))) ==
             "decimal:-12345678901234567890123456789012345.12345678901234567890123456790");
  BOOST_TEST(f.run(call("abs", f.put("v", dec(wide)))) == std::string("decimal:") + (wide + 1));
  BOOST_TEST(f.run(call("to_string", f.put("v", dec(wide)))) == std::string("string:") + wide);
  BOOST_TEST(f.run(call("round", f.put("v", dec("2.345")), i(2))) == "decimal:2.35");
  BOOST_TEST(f.run(call("round", f.put("v", dec("-2.5")))) == "decimal:-3");
  BOOST_TEST(f.run(call("round", f.put("v", Value::int64(1250)), i(-2))) == "int:1300");
  BOOST_TEST(f.run(call("round", f.put("v", Value::float64(2.675)), i(2))) == "float:2.68");
  BOOST_TEST(f.run(call("abs", f.put("v", dec("-2.50")))) == "decimal:2.50");
  BOOST_TEST(f.run(call("abs", f.put("v", Value::int64(-3)))) == "int:3");
  BOOST_TEST(f.run(call("abs", f.put("v", Value::float64(-0.5)))) == "float:0.5");
  BOOST_TEST(f.err(call("abs", f.put("v", Value::int64(INT64_MIN)))) == "abs(): int overflow");
  BOOST_TEST(f.err(call("abs", f.put("v", Value::string("x")))) ==
             "abs(): argument 1 must be a number, got string");
}

BOOST_AUTO_TEST_CASE(time_functions) {
  Fx f;
  namespace t = sluice::temporal;
  int32_t leap = t::days_from_civil(2024, 2, 29);
  int64_t ts = leap * 86400LL * 1000000 + ((13 * 60 + 45) * 60 + 59) * 1000000LL + 123000;
  f.ctx.now = ts;
  BOOST_TEST(f.run(call("now")) == "timestamp:2024-02-29T13:45:59.123Z");
  BOOST_TEST(f.run(call("to_date", f.put("v", Value::string("2024-02-29")))) == "date:2024-02-29");
  BOOST_TEST(f.run(call("to_date", f.put("v", Value::timestamp(ts)))) == "date:2024-02-29");
  BOOST_TEST(f.err(call("to_date", f.put("v", Value::string("2023-02-29")))).find("not a date") !=
             std::string::npos);
  BOOST_TEST(
      f.run(call("to_timestamp", f.put("v", Value::string("2024-02-29T14:45:59.123+01:00")))) ==
      "timestamp:2024-02-29T13:45:59.123Z");
  BOOST_TEST(f.run(call("to_timestamp", f.put("v", Value::date(leap)))) ==
             "timestamp:2024-02-29T00:00:00.000Z");
  BOOST_TEST(f.run(call("to_timestamp", f.put("v", Value::datetime(ts)))) ==
             "timestamp:2024-02-29T13:45:59.123Z");
  BOOST_TEST(
      f.err(call("to_timestamp", f.put("v", Value::string("soon")))).find("not a timestamp") !=
      std::string::npos);
  auto tsf = [&] { return f.put("t", Value::timestamp(ts)); };
  BOOST_TEST(f.run(call("date_trunc", s("year"), tsf())) == "timestamp:2024-01-01T00:00:00.000Z");
  BOOST_TEST(f.run(call("date_trunc", s("month"), tsf())) == "timestamp:2024-02-01T00:00:00.000Z");
  BOOST_TEST(f.run(call("date_trunc", s("day"), tsf())) == "timestamp:2024-02-29T00:00:00.000Z");
  BOOST_TEST(f.run(call("date_trunc", s("hour"), tsf())) == "timestamp:2024-02-29T13:00:00.000Z");
  BOOST_TEST(f.run(call("date_trunc", s("minute"), tsf())) == "timestamp:2024-02-29T13:45:00.000Z");
  BOOST_TEST(f.run(call("date_trunc", s("second"), tsf())) == "timestamp:2024-02-29T13:45:59.000Z");
  BOOST_TEST(f.run(call("date_trunc", s("month"), f.put("d", Value::date(leap)))) ==
             "date:2024-02-01");
  BOOST_TEST(f.run(call("date_trunc", s("hour"), f.put("d", Value::datetime(ts)))) ==
             "datetime:2024-02-29T13:00:00.000000");
  BOOST_TEST(f.err(call("date_trunc", s("week"), tsf())).find("unknown unit") != std::string::npos);
  BOOST_TEST(f.run(call("year", tsf())) == "int:2024");
  BOOST_TEST(f.run(call("month", tsf())) == "int:2");
  BOOST_TEST(f.run(call("day", f.put("d", Value::date(leap)))) == "int:29");
  BOOST_TEST(f.err(call("year", f.put("v", Value::string("2024")))) ==
             "year(): argument 1 must be a date, datetime or timestamp, got string");
}

BOOST_AUTO_TEST_CASE(hash_and_sha256) {
  Fx f;
  BOOST_TEST(f.run(call("sha256", f.put("v", Value::string("abc")))) ==
             "string:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(f.run(call("sha256", f.put("v", Value::string("")))) ==
             "string:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  BOOST_TEST(
      f.run(call(
          "sha256",
          f.put("v", Value::string("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))) ==
      "string:248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  std::string h1 = f.run(call("hash", f.put("v", Value::string("abc"))));
  std::string h2 = f.run(call("hash", f.put("v", Value::string("abc"))));
  std::string h3 = f.run(call("hash", f.put("v", Value::string("abd"))));
  BOOST_TEST(h1 == h2);
  BOOST_TEST(h1 != h3);
  BOOST_TEST(h1.rfind("int:", 0) == 0u);
  // FNV-1a 64 of "\"abc\"" (the JSON encoding), as a signed int: stable across runs.
  uint64_t fnv = 1469598103934665603ULL;
  for (unsigned char c : std::string("\"abc\"")) {
    fnv ^= c;
    fnv *= 1099511628211ULL;
  }
  BOOST_TEST(h1 == "int:" + std::to_string(static_cast<int64_t>(fnv)));
}

BOOST_AUTO_TEST_CASE(generate_functions) {
  Fx f;
  f.gen.seq = 17;
  BOOST_TEST(f.run(call("seq")) == "int:17");
  for (int k = 0; k < 200; ++k) {
    Value v = eval(call("random_int", i(1), i(6)), f.ctx, Scope{{}, true, true});
    BOOST_REQUIRE(v.as_int() >= 1);
    BOOST_REQUIRE(v.as_int() <= 6);
    Value dv = eval(call("random_decimal", d("1.00"), i(5), i(2)), f.ctx, Scope{{}, true, true});
    BOOST_REQUIRE(dv.as_decimal().scale() == 2);
    BOOST_REQUIRE(dv.as_decimal().compare(*sluice::Decimal::parse("1")) >= 0);
    BOOST_REQUIRE(dv.as_decimal().compare(*sluice::Decimal::parse("5")) <= 0);
    Value p = eval(call("pick", list(s("a"), s("b"))), f.ctx, Scope{{}, true, true});
    BOOST_REQUIRE((p.as_string() == "a" || p.as_string() == "b"));
  }
  Value rs = eval(call("random_string", i(12)), f.ctx, Scope{{}, true, true});
  BOOST_TEST(rs.as_string().size() == 12u);
  BOOST_TEST(f.err(call("random_int", i(5), i(1))).find("lower bound") != std::string::npos);
  BOOST_TEST(f.err(call("pick", f.put("l", Value::list({})))) == "pick(): the list is empty");
  BOOST_TEST(f.err(call("random_string", i(-1))).find("between 0") != std::string::npos);
  Context no_gen;
  BOOST_TEST(eval_error(call("seq"), no_gen, Scope{{}, true, true}) ==
             "seq() is only available in a generate source's fields");
}

// DSL.md §6: a null argument makes an operator or function return null, except coalesce, ??,
// is null, is not null, and/or (three-valued) and concat. (docs/null-semantics.md)
BOOST_AUTO_TEST_CASE(null_semantics_table) {
  Fx f;
  auto n = [&] { return f.put("nul", Value()); };
  auto t = [&] { return f.put("t", Value::boolean(true)); };
  auto fa = [&] { return f.put("fa", Value::boolean(false)); };
  // operators propagate null
  for (const char* op : {"+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">="}) {
    BOOST_TEST(f.run(bin(op, n(), i(1))) == "null:null", op);
    BOOST_TEST(f.run(bin(op, i(1), n())) == "null:null", op);
  }
  BOOST_TEST(f.run(un("-", n())) == "null:null");
  BOOST_TEST(f.run(un("not", n())) == "null:null");
  BOOST_TEST(f.run(in(n(), i(1))) == "null:null");
  BOOST_TEST(f.run(in(i(2), i(1), n())) == "null:null");
  BOOST_TEST(f.run(in(i(1), i(1), n())) == "bool:true");
  // three-valued logic
  BOOST_TEST(f.run(bin("and", n(), fa())) == "bool:false");
  BOOST_TEST(f.run(bin("and", fa(), n())) == "bool:false");
  BOOST_TEST(f.run(bin("and", n(), t())) == "null:null");
  BOOST_TEST(f.run(bin("or", n(), t())) == "bool:true");
  BOOST_TEST(f.run(bin("or", t(), n())) == "bool:true");
  BOOST_TEST(f.run(bin("or", n(), fa())) == "null:null");
  // the exceptions
  BOOST_TEST(f.run(bin("??", n(), i(3))) == "int:3");
  BOOST_TEST(f.run(call("coalesce", n(), n(), s("x"))) == "string:x");
  BOOST_TEST(f.run(call("coalesce", n())) == "null:null");
  BOOST_TEST(f.run(is_null(n())) == "bool:true");
  BOOST_TEST(f.run(is_null(n(), true)) == "bool:false");
  BOOST_TEST(f.run(call("concat", n(), s("a"), n())) == "string:a");
  BOOST_TEST(f.run(if_(n(), s("then"), s("else"))) == "string:else");
  // every null-propagating function returns null for a null argument
  for (const auto& spec : sluice::eval::functions()) {
    if (!spec.null_propagates || spec.min_args == 0) continue;
    ExprPtr c = node(ExprKind::Call);
    c->op = spec.name;
    c->args.push_back(n());
    for (int k = 1; k < spec.min_args; ++k) c->args.push_back(i(1));
    BOOST_TEST(f.run(c) == "null:null", spec.name);
  }
  // and folded at compile time too
  BOOST_TEST(show(eval(call("lower", null()))) == "null:null");
}

// issue 21: Docker/Kubernetes secret files, redacted like secret().
BOOST_AUTO_TEST_CASE(secret_file_reads_and_redacts) {
  const std::string path = "/tmp/sluice_secret_file_test_" + std::to_string(::getpid());
  {
    std::ofstream out(path);
    out << "f1le-S3cret-value\n";
  }
  auto v = sluice::eval::eval_constant(*call("secret_file", s(path)));
  BOOST_REQUIRE(v.ok());
  BOOST_TEST(v.value().as_string() == "f1le-S3cret-value");  // trailing newline dropped
  BOOST_TEST(sluice::secrets::redact("pw=f1le-S3cret-value") == "pw=***");
  std::remove(path.c_str());
  auto missing = sluice::eval::eval_constant(*call("secret_file", s(path)));
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.err().message.find("cannot read " + path) != std::string::npos,
             missing.err().message);
  BOOST_TEST(sluice::eval::find_function("secret_file")->option_only);
}

BOOST_AUTO_TEST_CASE(secrets_never_in_errors) {
  const char* value = "s3cr3t-P@ssw0rd-value";
  setenv("SLUICE_TEST_SECRET", value, 1);
  auto v = sluice::eval::eval_constant(*call("secret", s("SLUICE_TEST_SECRET")));
  BOOST_REQUIRE(v.ok());
  BOOST_TEST(v.value().as_string() == value);
  BOOST_TEST(sluice::secrets::redact(std::string("x ") + value) == "x ***");
  // An error about the secret's value, e.g. to_int(secret) or a comparison, never shows it.
  Fx f;
  f.put("pw", Value::string(value));
  std::string e1 = f.err(call("to_int", field("pw")));
  BOOST_TEST(!e1.empty());
  BOOST_TEST(e1.find("s3cr3t") == std::string::npos);
  std::string e2 = f.err(call("to_timestamp", field("pw")));
  BOOST_TEST(e2.find("s3cr3t") == std::string::npos);
  std::string e3 = f.err(call("to_decimal", field("pw"), i(2)));
  BOOST_TEST(e3.find("s3cr3t") == std::string::npos);
  // A long secret cut in a message: no fragment survives either.
  std::string long_secret(100, 'Q');
  setenv("SLUICE_TEST_LONG_SECRET", long_secret.c_str(), 1);
  BOOST_REQUIRE(sluice::eval::eval_constant(*call("secret", s("SLUICE_TEST_LONG_SECRET"))).ok());
  f.put("long", Value::string(long_secret));
  std::string e4 = f.err(call("to_int", field("long")));
  BOOST_TEST(e4.find("QQQQ") == std::string::npos);
  // Unset secret: the error names the variable only.
  auto missing = sluice::eval::eval_constant(*call("secret", s("SLUICE_TEST_NO_SUCH_SECRET")));
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.err().message ==
             "1:1: secret(): environment variable SLUICE_TEST_NO_SUCH_SECRET is not set");
}

BOOST_AUTO_TEST_SUITE_END()
