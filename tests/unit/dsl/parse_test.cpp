// Every example of DSL.md parses and checks cleanly; the AST has the expected shape.
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

#include "dsl/parser.h"
#include "test_registry.h"

using namespace sluice;
using namespace sluice::dsl;

namespace {

std::string data_path(const std::string& name) {
  return std::string(SLUICE_SOURCE_DIR) + "/tests/unit/dsl/data/" + name;
}

Loaded load_data(const std::string& name) {
  Loaded l = load_file(data_path(name), testing::test_registry());
  BOOST_TEST_INFO("report:\n" << format(l));
  BOOST_TEST(l.diags.empty());
  return l;
}

const ast::Stage& stage(const ast::Pipeline& p, const std::string& name) {
  for (const auto& s : p.stages) {
    if (s.name == name) return s;
  }
  BOOST_FAIL("no stage " << name);
  return p.stages.front();
}

const ast::Option& option(const std::vector<ast::Option>& opts, const std::string& name) {
  for (const auto& o : opts) {
    if (o.name == name) return o;
  }
  BOOST_FAIL("no option " << name);
  return opts.front();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dsl_parse)

BOOST_AUTO_TEST_CASE(first_look_example) {
  Loaded l = load_data("mks_finance_ods.pipe");
  BOOST_REQUIRE_EQUAL(l.file.pipelines.size(), 1u);
  const auto& p = l.file.pipelines[0];
  BOOST_TEST(p.name == "mks_finance_ods");
  BOOST_TEST(p.loc.line == 2);
  BOOST_REQUIRE_EQUAL(p.settings.size(), 1u);
  BOOST_TEST(p.settings[0].value->literal.as_string() == "var/mks_finance_ods");
  BOOST_REQUIRE_EQUAL(p.stages.size(), 4u);

  const auto& mks = stage(p, "mks");
  BOOST_TEST((mks.type == ast::StageType::Source));
  BOOST_TEST(mks.kind == "mysql");
  BOOST_TEST(mks.kind_loc.line == 7);
  BOOST_TEST(mks.kind_loc.col == 10);
  BOOST_TEST(mks.name_loc.col == 16);
  const auto& host = option(mks.options, "host");
  BOOST_TEST((host.value->kind == ast::ExprKind::Call));
  BOOST_TEST(host.value->op == "env");
  BOOST_TEST(host.value->args.size() == 2u);
  BOOST_TEST(host.loc.line == 8);
  BOOST_TEST(host.loc.col == 5);
  BOOST_TEST(host.value->loc.col == 17);
  BOOST_TEST(option(mks.options, "port").value->literal.as_int() == 3306);
  const auto& tables = option(mks.options, "tables");
  BOOST_TEST((tables.value->kind == ast::ExprKind::ListLit));
  BOOST_TEST(tables.value->args.size() == 3u);
  const auto& snapshot = option(mks.options, "snapshot");
  BOOST_TEST((snapshot.value->kind == ast::ExprKind::Field));
  BOOST_TEST(snapshot.value->path[0] == "initial");

  const auto& ods_rows = stage(p, "ods_rows");
  BOOST_TEST((ods_rows.type == ast::StageType::Processor));
  BOOST_TEST(ods_rows.kind == "transform");
  BOOST_REQUIRE_EQUAL(ods_rows.from.size(), 1u);
  BOOST_TEST(ods_rows.from[0].name == "mks");
  BOOST_REQUIRE_EQUAL(ods_rows.statements.size(), 3u);
  const auto& where = ods_rows.statements[0];
  BOOST_TEST((where.kind == ast::StmtKind::Where));
  BOOST_TEST((where.exprs[0]->kind == ast::ExprKind::Binary));
  BOOST_TEST(where.exprs[0]->op == "!=");
  BOOST_TEST((where.exprs[0]->args[0]->kind == ast::ExprKind::Meta));
  BOOST_TEST(where.exprs[0]->args[0]->path[0] == "table");
  const auto& set = ods_rows.statements[1];
  BOOST_TEST((set.kind == ast::StmtKind::Set));
  BOOST_TEST(set.paths[0].segments[0] == "cdc_operation");
  BOOST_TEST(set.exprs[0]->path[0] == "op");

  const auto& ods = stage(p, "ods");
  BOOST_TEST((ods.type == ast::StageType::Sink));
  BOOST_TEST(ods.kind == "postgres");
  const auto& batch = option(ods.options, "batch");
  BOOST_TEST(batch.is_block);
  BOOST_REQUIRE_EQUAL(batch.block.size(), 2u);
  BOOST_TEST(batch.block[0].name == "rows");
  BOOST_TEST(batch.block[0].value->literal.as_int() == 2000);
  BOOST_TEST(batch.block[1].name == "delay");
  BOOST_TEST((batch.block[1].value->unit == ast::LitUnit::Duration));
  BOOST_TEST(batch.block[1].value->literal.as_int() == 100000);  // 100ms in micros
  const auto& retry = option(ods.options, "retry");
  BOOST_TEST(retry.is_block);
  const auto& backoff = option(retry.block, "backoff");
  BOOST_TEST(backoff.value->op == "exponential");
  BOOST_TEST(backoff.value->args[0]->literal.as_int() == 100000);
  BOOST_TEST(backoff.value->args[1]->literal.as_int() == 10000000);
  const auto& table = option(ods.options, "table");
  BOOST_TEST(table.value->op == "+");
  const auto& dlq = stage(p, "dlq");
  BOOST_TEST(dlq.from.empty());
}

BOOST_AUTO_TEST_CASE(aggregates_and_joins) {
  Loaded l = load_data("customer_analytics.pipe");
  const auto& p = l.file.pipelines.at(0);
  BOOST_TEST(option(p.settings, "checkpoint_interval").value->literal.as_int() == 5000000);
  const auto& acc = stage(p, "account_summary");
  BOOST_TEST((acc.type == ast::StageType::Processor));
  BOOST_TEST(acc.kind == "aggregate");
  BOOST_REQUIRE_EQUAL(acc.statements.size(), 6u);
  BOOST_TEST((acc.statements[1].kind == ast::StmtKind::GroupBy));
  BOOST_TEST(acc.statements[1].exprs[0]->path[0] == "customer_id");
  BOOST_TEST((acc.statements[2].kind == ast::StmtKind::AggField));
  BOOST_TEST(acc.statements[2].paths[0].segments[0] == "total_accounts");
  BOOST_TEST(acc.statements[2].exprs[0]->op == "count");
  BOOST_TEST(acc.statements[2].exprs[0]->args.empty());

  const auto& txn = stage(p, "txn_summary");
  // buffer / parallelism in an aggregate are options, not aggregate fields
  BOOST_TEST(txn.options.size() == 2u);
  BOOST_TEST(option(txn.options, "parallelism").value->literal.as_int() == 2);
  const ast::Statement* window = nullptr;
  for (const auto& s : txn.statements) {
    if (s.kind == ast::StmtKind::Window) window = &s;
  }
  BOOST_REQUIRE(window != nullptr);
  BOOST_TEST(window->exprs[0]->op == "tumbling");
  BOOST_TEST(window->exprs[0]->args[0]->literal.as_int() == 3600LL * 1000000);
  BOOST_TEST(window->paths[0].segments[0] == "transaction_date");

  const auto& join = stage(p, "customer_analytics");
  BOOST_TEST((join.type == ast::StageType::Processor));
  BOOST_TEST(join.kind == "join");
  BOOST_REQUIRE_EQUAL(join.from.size(), 3u);
  BOOST_TEST(join.from[2].name == "txn_summary");
  BOOST_REQUIRE_EQUAL(join.join_on.size(), 1u);
  BOOST_TEST(join.join_on[0]->path[0] == "customer_id");
  const auto& sel = join.statements.at(0);
  BOOST_TEST((sel.kind == ast::StmtKind::Select));
  const auto& obj = *sel.exprs[0];
  BOOST_TEST((obj.kind == ast::ExprKind::ObjectLit));
  BOOST_REQUIRE_EQUAL(obj.entries.size(), 4u);
  BOOST_TEST(obj.entries[1].value->path.size() == 2u);
  BOOST_TEST(obj.entries[1].value->path[0] == "customers_t");
  BOOST_TEST(obj.entries[2].value->op == "??");
  const auto& activity = *obj.entries[3].value;
  BOOST_TEST((activity.kind == ast::ExprKind::ObjectLit));
  BOOST_TEST(activity.entries.size() == 2u);
  BOOST_TEST(activity.entries[0].name == "count");
  const auto& sink = stage(p, "analytics");
  BOOST_TEST(option(option(sink.options, "batch").block, "delay").value->literal.as_int() ==
             250000);
}

BOOST_AUTO_TEST_CASE(statements_expressions_and_lexical_forms) {
  Loaded l = load_data("generate_all.pipe");
  const auto& p = l.file.pipelines.at(0);
  const auto& gen = stage(p, "gen");
  const auto& rate = option(gen.options, "rate");
  BOOST_TEST((rate.value->unit == ast::LitUnit::Rate));
  BOOST_TEST(rate.value->literal.as_int() == 5000);
  BOOST_TEST(rate.value->rate_period_us == 1000000);
  const auto& fields = option(gen.options, "fields");
  BOOST_TEST(fields.is_block);
  BOOST_TEST(fields.block.size() == 6u);

  const auto& t = stage(p, "shape");
  auto find = [&](ast::StmtKind k, size_t nth = 0) -> const ast::Statement& {
    for (const auto& s : t.statements) {
      if (s.kind == k && nth-- == 0) return s;
    }
    BOOST_FAIL("missing statement");
    return t.statements.front();
  };
  // where amount > 0.00 and kind in [...]: 'and' on top, decimal kept exact
  const auto& w = *find(ast::StmtKind::Where).exprs[0];
  BOOST_TEST(w.op == "and");
  BOOST_TEST(w.args[0]->op == ">");
  const Value& zero = w.args[0]->args[1]->literal;
  BOOST_REQUIRE((zero.type() == Type::Decimal));
  BOOST_TEST(zero.as_decimal().scale() == 2);
  BOOST_TEST((w.args[1]->kind == ast::ExprKind::In));
  BOOST_TEST(w.args[1]->args.size() == 3u);
  // not binds tighter than or; is not null
  const auto& w2 = *find(ast::StmtKind::Where, 1).exprs[0];
  BOOST_TEST(w2.op == "or");
  BOOST_TEST((w2.args[0]->kind == ast::ExprKind::Unary));
  BOOST_TEST((w2.args[1]->kind == ast::ExprKind::IsNull));
  BOOST_TEST(w2.args[1]->negated);
  // precedence: amount * 2 + 1.5 - (-3 % 2)  => ((amount*2)+1.5) - (-3 % 2)
  const auto& arith = *find(ast::StmtKind::Set, 1).exprs[0];
  BOOST_TEST(arith.op == "-");
  BOOST_TEST(arith.args[0]->op == "+");
  BOOST_TEST(arith.args[0]->args[0]->op == "*");
  BOOST_TEST(arith.args[1]->op == "%");
  BOOST_TEST(arith.args[1]->args[0]->literal.as_int() == -3);
  BOOST_TEST(arith.args[0]->args[1]->literal.as_decimal().to_string() == "1.5");
  const auto& iff = *find(ast::StmtKind::Set, 2).exprs[0];
  BOOST_TEST((iff.kind == ast::ExprKind::If));
  BOOST_TEST(iff.args.size() == 3u);
  const auto& coalesce = *find(ast::StmtKind::Set, 3).exprs[0];
  BOOST_TEST(coalesce.op == "??");
  BOOST_TEST(coalesce.args[0]->op == "coalesce");
  // backquoted names and escapes
  const auto& quoted = find(ast::StmtKind::Set, 4);
  BOOST_TEST(quoted.paths[0].segments[0] == "first name");
  BOOST_TEST(quoted.exprs[0]->literal.as_string() == "Ada \"the\" Lovelace\\\n\t\xC3\xA9");
  // keywords as column names
  const auto& src = find(ast::StmtKind::Set, 5);
  BOOST_TEST(src.paths[0].segments[0] == "source");
  BOOST_TEST(src.exprs[0]->path.size() == 2u);
  BOOST_TEST(src.exprs[0]->path[1] == "db");
  BOOST_TEST(find(ast::StmtKind::Set, 7).paths[0].segments[0] == "from");
  BOOST_TEST(find(ast::StmtKind::Set, 7).exprs[0]->path[0] == "before");
  BOOST_TEST(find(ast::StmtKind::Set, 7).exprs[0]->path[1] == "amount");
  // drop / rename / flatten / key / require / keep
  const auto& drop = find(ast::StmtKind::Drop);
  BOOST_TEST(drop.paths.size() == 2u);
  BOOST_TEST(drop.paths[1].segments.size() == 2u);
  const auto& rename = find(ast::StmtKind::Rename);
  BOOST_TEST(rename.paths[0].segments[0] == "kind");
  BOOST_TEST(rename.paths[1].segments[0] == "payment_kind");
  BOOST_TEST(find(ast::StmtKind::Flatten).prefix == "addr_");
  BOOST_TEST(find(ast::StmtKind::Key).exprs.size() == 2u);
  const auto& req = find(ast::StmtKind::Require);
  BOOST_TEST(req.message == "amount too large");
  BOOST_TEST((req.exprs[0]->args[1]->literal.type() == Type::Float));
  BOOST_TEST(req.exprs[0]->args[1]->literal.as_float() == 1e6);
  // nested select objects
  const auto& sel = *find(ast::StmtKind::Select).exprs[0];
  BOOST_TEST(sel.entries.size() == 4u);
  BOOST_TEST(sel.entries[1].name == "first name");
  const auto& money = *sel.entries[2].value;
  BOOST_TEST((money.kind == ast::ExprKind::ObjectLit));
  const auto& nested = *money.entries[2].value;
  BOOST_TEST(nested.entries[0].name == "deep");
  BOOST_TEST(nested.entries[0].value->literal.as_bool());
  BOOST_TEST(nested.entries[1].value->literal.is_null());
  const auto& tags = *sel.entries[3].value;
  BOOST_TEST((tags.args[1]->literal.type() == Type::Decimal));
  BOOST_TEST(tags.args[1]->literal.as_decimal().to_string() == "2.50");
  // options among statements
  BOOST_TEST(option(t.options, "rate_limit").value->rate_period_us == 60LL * 1000000);
  BOOST_TEST(option(t.options, "retry").is_block);
  // two comment styles: nothing of the comments reached the AST
  BOOST_TEST(p.stages.size() == 6u);
}

BOOST_AUTO_TEST_CASE(two_pipelines_and_keyword_names) {
  Loaded l = load_data("two_pipelines.pipe");
  BOOST_REQUIRE_EQUAL(l.file.pipelines.size(), 2u);
  const auto& t = stage(l.file.pipelines[1], "t");
  BOOST_REQUIRE_EQUAL(t.statements.size(), 2u);
  BOOST_TEST(t.statements[0].paths[0].segments[0] == "key");
  BOOST_TEST(t.statements[0].exprs[0]->path[0] == "key");
  BOOST_TEST(t.statements[1].paths[0].segments[0] == "select");
}

BOOST_AUTO_TEST_CASE(literal_units) {
  Diagnostics d;
  auto f = parse("x.pipe",
                 "pipeline p { settings { a = 250ms b = 5s c = 2m d = 1h e = 1d f = 64KB "
                 "g = 16MB h = 1GB i = 300/m j = 2500.75 k = -2500.750 l = 1e-3 "
                 "m = 12345678901234567890.123456789 n = \"\\u00e9\\\\\" o = 10/sum } }",
                 d);
  BOOST_TEST_INFO(d.format("x.pipe", f.text));
  BOOST_TEST(d.empty());
  const auto& s = f.pipelines.at(0).settings;
  BOOST_REQUIRE_EQUAL(s.size(), 15u);
  int64_t want[] = {250000,        5000000, 120000000,  3600000000LL,
                    86400000000LL, 65536,   16LL << 20, 1LL << 30};
  for (size_t i = 0; i < 8; ++i) BOOST_TEST(s[i].value->literal.as_int() == want[i]);
  BOOST_TEST((s[0].value->unit == ast::LitUnit::Duration));
  BOOST_TEST((s[5].value->unit == ast::LitUnit::Size));
  BOOST_TEST(s[8].value->literal.as_int() == 300);
  BOOST_TEST(s[8].value->rate_period_us == 60000000);
  BOOST_TEST(s[9].value->literal.as_decimal().to_string() == "2500.75");
  BOOST_TEST(s[10].value->literal.as_decimal().to_string() == "-2500.750");
  BOOST_TEST((s[11].value->literal.type() == Type::Float));
  BOOST_TEST(s[11].value->literal.as_float() == 1e-3);
  // 29 significant digits: exact, never through double
  BOOST_TEST(s[12].value->literal.as_decimal().to_string() == "12345678901234567890.123456789");
  BOOST_TEST(s[13].value->literal.as_string() == "\xC3\xA9\\");
  // 10/sum is a division by a field, not the rate 10/s followed by "um"
  BOOST_TEST(s[14].value->op == "/");
  BOOST_TEST(s[14].value->args[1]->path[0] == "sum");
}

BOOST_AUTO_TEST_CASE(locations_are_one_based) {
  Diagnostics d;
  auto f = parse("x.pipe", "pipeline p {\n\tsource file in { path = \"a\" }\n}\n", d);
  BOOST_TEST(d.empty());
  const auto& s = f.pipelines.at(0).stages.at(0);
  BOOST_TEST(s.loc.line == 2);
  BOOST_TEST(s.loc.col == 2);
  BOOST_TEST(s.kind_loc.col == 9);
  BOOST_TEST(s.options.at(0).value->loc.col == 26);
}

BOOST_AUTO_TEST_SUITE_END()
