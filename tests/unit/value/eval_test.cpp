// Compiled expressions: operators, typing, fields, @meta, joins, scope rules.
#include <boost/test/unit_test.hpp>

#include "ast_helpers.h"
#include "base/event.h"

using namespace th;  // NOLINT
using sluice::Decimal;
using sluice::Object;
using sluice::Type;
using sluice::eval::Context;
using sluice::eval::Scope;
using sluice::eval::SType;

namespace {

struct Row {
  Object row;
  Context ctx;
  Row() {
    row.set(sluice::intern("n"), Value::int64(7));
    row.set(sluice::intern("amount"), Value::decimal(*Decimal::parse("2.50")));
    row.set(sluice::intern("name"), Value::string("Ada"));
    row.set(sluice::intern("none"), Value());
    row.set(sluice::intern("flag"), Value::boolean(true));
    row.set(sluice::intern("x"), Value::float64(0.5));
    sluice::Sym path[] = {sluice::intern("address"), sluice::intern("city")};
    row.set_path(path, 2, Value::string("Oslo"));
    ctx.row = &row;
  }
};

std::string ev(const ExprPtr& e) {
  Row r;
  return show(eval(e, r.ctx));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(expressions)

BOOST_AUTO_TEST_CASE(arithmetic_typing) {
  BOOST_TEST(ev(bin("+", i(1), i(2))) == "int:3");
  BOOST_TEST(ev(bin("+", field("n"), i(2))) == "int:9");
  BOOST_TEST(ev(bin("+", field("n"), field("amount"))) == "decimal:9.50");  // int + decimal
  BOOST_TEST(ev(bin("*", field("amount"), d("0.10"))) == "decimal:0.2500");
  BOOST_TEST(ev(bin("-", field("amount"), d("3"))) == "decimal:-0.50");
  BOOST_TEST(ev(bin("+", field("amount"), field("x"))) == "float:3.0");  // any float -> float
  BOOST_TEST(ev(bin("/", field("n"), i(2))) == "decimal:3.500000");      // exact division
  BOOST_TEST(ev(bin("/", field("n"), i(3))) == "decimal:2.333333");
  BOOST_TEST(ev(bin("/", field("amount"), d("0.0000003"))) == "decimal:8333333.3333333");
  BOOST_TEST(ev(bin("/", field("x"), i(4))) == "float:0.125");
  BOOST_TEST(ev(bin("%", field("n"), i(4))) == "int:3");
  BOOST_TEST(ev(bin("%", field("amount"), i(1))) == "decimal:0.50");
  BOOST_TEST(ev(un("-", field("amount"))) == "decimal:-2.50");
  BOOST_TEST(ev(un("-", field("n"))) == "int:-7");
  BOOST_TEST(ev(bin("+", lit(Value::uint64(1)), lit(Value::uint64(2)))) == "uint:3");
  BOOST_TEST(ev(bin("+", s("ods."), field("name"))) == "string:ods.Ada");
  BOOST_TEST(ev(bin("+", s("id-"), field("n"))) == "string:id-7");
}

BOOST_AUTO_TEST_CASE(arithmetic_errors) {
  Row r;
  r.row.set(sluice::intern("big"), Value::int64(INT64_MAX));
  r.row.set(sluice::intern("zero"), Value::int64(0));
  BOOST_TEST(eval_error(bin("+", field("big"), i(1)), r.ctx).find("int overflow") !=
             std::string::npos);
  BOOST_TEST(eval_error(bin("*", field("big"), i(2)), r.ctx).find("int overflow") !=
             std::string::npos);
  BOOST_TEST(eval_error(bin("/", field("n"), field("zero")), r.ctx).find("division by zero") !=
             std::string::npos);
  BOOST_TEST(eval_error(bin("%", field("n"), field("zero")), r.ctx).find("division by zero") !=
             std::string::npos);
  BOOST_TEST(eval_error(bin("-", field("name"), i(1)), r.ctx).find("cannot apply '-'") !=
             std::string::npos);
  r.row.set(sluice::intern("maxdec"),
            Value::decimal(*Decimal::parse(
                "9999999999999999999999999999999999999999999999999999999999999999999999999999")));
  BOOST_TEST(eval_error(bin("+", field("maxdec"), i(1)), r.ctx).find("decimal overflow") !=
             std::string::npos);
  // Constant expressions fail when compiled, with the location.
  BOOST_TEST(compile_error(bin("/", i(1), i(0))) == "1:1: division by zero");
}

BOOST_AUTO_TEST_CASE(wide_decimal_arithmetic_and_comparisons) {
  const char* max = "99999999999999999999999999999999999.999999999999999999999999999999";
  const char* min = "-99999999999999999999999999999999999.999999999999999999999999999999";
  Row r;
  r.row.set(sluice::intern("w"), Value::decimal(*Decimal::parse(min)));
  auto e = [&](const ExprPtr& x) { return show(eval(x, r.ctx)); };
  BOOST_TEST(e(field("w")) == std::string("decimal:") + min);
  BOOST_TEST(e(bin("+", field("w"), d("0.000000000000000000000000000001"))) ==
             "decimal:-99999999999999999999999999999999999.999999999999999999999999999998");
  BOOST_TEST(e(bin("-", field("w"), i(1))) ==
             "decimal:-100000000000000000000000000000000000.999999999999999999999999999999");
  BOOST_TEST(e(bin("*", field("w"), i(-2))) ==
             "decimal:199999999999999999999999999999999999.999999999999999999999999999998");
  BOOST_TEST(e(bin("/", field("w"), i(3))) ==
             "decimal:-33333333333333333333333333333333333.333333333333333333333333333333");
  BOOST_TEST(e(bin("%", field("w"), i(7))) == "decimal:-4.999999999999999999999999999999");
  BOOST_TEST(e(un("-", field("w"))) == std::string("decimal:") + max);
  BOOST_TEST(e(bin("+", field("w"), d(max))) == "decimal:0.000000000000000000000000000000");
  BOOST_TEST(e(bin("<", field("w"), i(0))) == "bool:true");
  BOOST_TEST(e(bin("<", field("w"),
                   d("-99999999999999999999999999999999999.99999999999999999999999999999"))) ==
             "bool:true");
  BOOST_TEST(e(bin("==", field("w"), d(min))) == "bool:true");
  BOOST_TEST(e(bin("==", un("-", field("w")), d(max))) == "bool:true");
  BOOST_TEST(e(bin("!=", field("w"), d(max))) == "bool:true");
  BOOST_TEST(e(bin(">", d(max), field("w"))) == "bool:true");
  BOOST_TEST(e(bin("<", field("w"), field("x"))) == "bool:true");  // against a float
  BOOST_TEST(eval_error(bin("*", field("w"), field("w")), r.ctx).find("more than 76 digits") !=
             std::string::npos);
  BOOST_TEST(eval_error(bin("/", field("w"), d("0.0")), r.ctx).find("division by zero") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(comparisons) {
  BOOST_TEST(ev(bin("==", d("1.5"), field("x"))) == "bool:false");
  BOOST_TEST(ev(bin("==", d("1.5"), d("1.50"))) == "bool:true");
  BOOST_TEST(ev(bin("==", field("n"), d("7.00"))) == "bool:true");  // int vs decimal, exact
  BOOST_TEST(ev(bin("==", field("x"), d("0.5"))) == "bool:true");   // float vs decimal
  BOOST_TEST(ev(bin("<", field("n"), d("7.01"))) == "bool:true");
  BOOST_TEST(ev(bin(">=", field("amount"), i(2))) == "bool:true");
  BOOST_TEST(ev(bin("<", lit(Value::uint64(UINT64_MAX)), i(-1))) == "bool:false");
  BOOST_TEST(ev(bin("==", field("name"), s("Ada"))) == "bool:true");
  BOOST_TEST(ev(bin("!=", field("name"), s("Bob"))) == "bool:true");
  BOOST_TEST(ev(bin("<", field("name"), s("Bob"))) == "bool:true");
  BOOST_TEST(ev(bin("==", field("name"), i(1))) == "bool:false");  // incompatible: unequal
  BOOST_TEST(ev(bin("!=", field("name"), i(1))) == "bool:true");
  Row r;
  BOOST_TEST(eval_error(bin("<", field("name"), i(1)), r.ctx) ==
             "cannot compare string with int using '<'");
  BOOST_TEST(ev(bin("==", field("address.city"), s("Oslo"))) == "bool:true");
}

BOOST_AUTO_TEST_CASE(logic_in_if_coalesce) {
  BOOST_TEST(ev(bin("and", field("flag"), b(false))) == "bool:false");
  BOOST_TEST(ev(bin("or", field("flag"), b(false))) == "bool:true");
  BOOST_TEST(ev(un("not", field("flag"))) == "bool:false");
  BOOST_TEST(ev(in(field("name"), s("Bob"), s("Ada"))) == "bool:true");
  BOOST_TEST(ev(in(field("n"), i(1), d("7.0"))) == "bool:true");
  BOOST_TEST(ev(in(field("n"), i(1), i(2))) == "bool:false");
  BOOST_TEST(ev(if_(bin(">", field("n"), i(5)), s("big"), s("small"))) == "string:big");
  BOOST_TEST(ev(if_(field("none"), s("yes"), s("no"))) == "string:no");
  BOOST_TEST(ev(bin("??", field("none"), field("name"))) == "string:Ada");
  BOOST_TEST(ev(bin("??", field("n"), field("name"))) == "int:7");
  BOOST_TEST(ev(is_null(field("missing_field"))) == "bool:true");
  BOOST_TEST(ev(is_null(field("n"), true)) == "bool:true");
  Row r;
  BOOST_TEST(eval_error(bin("and", field("n"), b(true)), r.ctx) == "'and' needs a bool, got int");
  BOOST_TEST(eval_error(if_(field("n"), i(1), i(2)), r.ctx) ==
             "'if' needs a bool condition, got int");
}

BOOST_AUTO_TEST_CASE(lists_and_objects) {
  BOOST_TEST(ev(list(i(1), field("name"))) == R"(list:[1,"Ada"])");
  BOOST_TEST(ev(obj("a", field("n"), "b", obj("c", field("address.city")))) ==
             R"(object:{"a":7,"b":{"c":"Oslo"}})");
  BOOST_TEST(compile_error(obj("a", i(1), "a", i(2))).find("duplicate field 'a'") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(meta_fields) {
  sluice::Event e;
  e.op = sluice::Op::Update;
  e.ts = 1000;
  e.key = Value::int64(42);
  e.position = Value::string("binlog.000001:4");
  e.has_before = true;
  e.before.set(sluice::intern("balance"), Value::decimal(*Decimal::parse("10.00")));
  auto meta_src = std::make_shared<sluice::SourceMeta>();
  meta_src->connector = "mysql";
  meta_src->name = "mks";
  meta_src->db = "bank";
  meta_src->table = "accounts";
  e.source = meta_src;
  e.row.set(sluice::intern("balance"), Value::decimal(*Decimal::parse("12.50")));
  Context ctx;
  ctx.event = &e;
  ctx.row = &e.row;
  BOOST_TEST(show(eval(meta("op"), ctx)) == "string:u");
  BOOST_TEST(show(eval(meta("table"), ctx)) == "string:accounts");
  BOOST_TEST(show(eval(meta("source.db"), ctx)) == "string:bank");
  BOOST_TEST(show(eval(meta("db"), ctx)) == "string:bank");  // short for @source.db
  BOOST_TEST(show(eval(meta("source.table"), ctx)) == "string:accounts");
  BOOST_TEST(show(eval(meta("ts"), ctx)) == "timestamp:1970-01-01T00:00:00.001Z");
  BOOST_TEST(show(eval(meta("key"), ctx)) == "int:42");
  BOOST_TEST(show(eval(meta("position"), ctx)) == "string:binlog.000001:4");
  BOOST_TEST(show(eval(meta("before.balance"), ctx)) == "decimal:10.00");
  BOOST_TEST(show(eval(bin("-", field("balance"), meta("before.balance")), ctx)) == "decimal:2.50");
  BOOST_TEST(show(eval(bin("+", s("ods."), meta("table")), ctx)) == "string:ods.accounts");
  BOOST_TEST(show(eval(meta("source"), ctx)) ==
             R"(object:{"connector":"mysql","name":"mks","db":"bank","table":"accounts"})");
  e.has_before = false;
  BOOST_TEST(show(eval(meta("before.balance"), ctx)) == "null:null");
  BOOST_TEST(compile_error(meta("nope")).find("unknown @nope") != std::string::npos);
  BOOST_TEST(compile_error(meta("source.port")).find("no field 'port'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(join_inputs) {
  Object customers, summary;
  customers.set(sluice::intern("customer_id"), Value::int64(5));
  summary.set(sluice::intern("total_balance"), Value::decimal(*Decimal::parse("99.90")));
  std::vector<const Object*> inputs{&customers, &summary, nullptr};
  Context ctx;
  ctx.inputs = &inputs;
  Scope scope;
  scope.join_inputs = {"customers_t", "account_summary", "txn_summary"};
  BOOST_TEST(show(eval(field("account_summary.total_balance"), ctx, scope)) == "decimal:99.90");
  BOOST_TEST(show(eval(field("customers_t.customer_id"), ctx, scope)) == "int:5");
  BOOST_TEST(show(eval(field("txn_summary.count"), ctx, scope)) == "null:null");  // missing side
  BOOST_TEST(show(eval(bin("??", field("txn_summary.count"), i(0)), ctx, scope)) == "int:0");
}

BOOST_AUTO_TEST_CASE(scope_rules_and_static_types) {
  BOOST_TEST(compile_error(call("seq")) ==
             "1:1: seq() is only available in a generate source's fields");
  Scope gen;
  gen.allow_generate = true;
  BOOST_TEST(compile_error(call("seq"), gen) == "");
  Scope no_env;
  no_env.allow_env = false;
  BOOST_TEST(compile_error(call("env", s("HOME")), no_env) ==
             "1:1: env() is only allowed in options");
  BOOST_TEST(compile_error(call("nosuch")) == "1:1: unknown function nosuch()");
  BOOST_TEST(compile_error(call("sum", field("x"))).find("only allowed in an aggregate") !=
             std::string::npos);
  BOOST_TEST(compile_error(call("upper")) == "1:1: upper() takes 1 argument, got 0");
  BOOST_TEST(compile_error(call("substr", s("a"))) ==
             "1:1: substr() takes 2 to 3 arguments, got 1");
  BOOST_TEST((compile(bin("+", field("a"), i(1)))->stype == SType::Unknown));
  BOOST_TEST((compile(bin("+", i(1), i(1)))->stype == SType::Int));
  BOOST_TEST((compile(call("upper", field("a")))->stype == SType::String));
  BOOST_TEST((compile(bin("==", field("a"), i(1)))->stype == SType::Bool));
}

BOOST_AUTO_TEST_CASE(eval_constant_for_options) {
  setenv("SLUICE_TEST_HOST", "db.internal", 1);
  auto v = sluice::eval::eval_constant(*bin("+", call("env", s("SLUICE_TEST_HOST")), s(":3306")));
  BOOST_REQUIRE(v.ok());
  BOOST_TEST(v.value().as_string() == "db.internal:3306");
  auto dflt = sluice::eval::eval_constant(*call("env", s("SLUICE_TEST_UNSET_VAR"), s("127.0.0.1")));
  BOOST_REQUIRE(dflt.ok());
  BOOST_TEST(dflt.value().as_string() == "127.0.0.1");
  auto missing = sluice::eval::eval_constant(*call("env", s("SLUICE_TEST_UNSET_VAR")));
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(
      missing.err().message ==
      "1:1: env(): environment variable SLUICE_TEST_UNSET_VAR is not set and has no default");
  auto field_ref = sluice::eval::eval_constant(*bin("+", s("ods."), meta("table")));
  BOOST_REQUIRE(!field_ref.ok());
  BOOST_TEST(field_ref.err().message.find("'@table' is a per-record value") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(million_decimal_cents_sum_exactly) {
  // acc = acc + 0.01, one million times, through the compiled '+' operator.
  auto e = compile(bin("+", field("acc"), field("cent")));
  Object row;
  sluice::Sym acc = sluice::intern("acc");
  row.set(acc, Value::decimal(*Decimal::parse("0.00")));
  row.set(sluice::intern("cent"), Value::decimal(*Decimal::parse("0.01")));
  Context ctx;
  ctx.row = &row;
  for (int k = 0; k < 1000000; ++k) *row.find(acc) = e->eval(ctx);
  BOOST_TEST(row.find(acc)->to_display() == "10000.00");
  BOOST_TEST(row.find(acc)->type() == Type::Decimal);
}

BOOST_AUTO_TEST_SUITE_END()
