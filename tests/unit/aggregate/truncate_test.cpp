// Op::Truncate reaching an aggregate or a join: neither keeps a per-table index of the rows it
// folded in, so the event is counted, logged and dead-lettered (kind "truncate"); the state and
// the events around it are untouched.
#include <boost/test/unit_test.hpp>

#include "agg_test_util.h"
#include "operators/aggregate/aggregate_processor.h"
#include "operators/join/join_processor.h"

using namespace sluice;
using namespace aggtest;

namespace {

Event truncate_event() {
  Event e;
  e.op = Op::Truncate;
  e.source = accounts_meta();
  e.ts = 1700000000000000;
  e.position = Value::string("binlog.000001:42");
  return e;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(truncate_events)

BOOST_AUTO_TEST_CASE(aggregate_dead_letters_a_truncate_in_order) {
  Stage s = make_agg("group by customer_id\n  n = count()\n  total = sum(balance)");
  auto o = run(*s.proc, {ins(R"({"id":1,"customer_id":7,"balance":1.50})"), truncate_event(),
                         ins(R"({"id":2,"customer_id":7,"balance":2.25})")});
  // Both rows were folded in (the truncate did not reset or stop the batch).
  BOOST_REQUIRE_EQUAL(o.out.size(), 1u);
  BOOST_CHECK_EQUAL(js(o.out[0].row), R"({"customer_id":7,"n":2,"total":3.75})");
  BOOST_REQUIRE_EQUAL(o.dead.size(), 1u);
  const Event& d = o.dead[0];
  BOOST_CHECK(d.op == Op::Truncate);
  BOOST_REQUIRE(d.dead_letter);
  BOOST_CHECK_EQUAL(d.dead_letter->kind(), "truncate");
  BOOST_CHECK_EQUAL(d.dead_letter->stage, "agg");
  BOOST_CHECK_MESSAGE(d.dead_letter->message.find("TRUNCATE of .accounts") != std::string::npos,
                      d.dead_letter->message);
  BOOST_CHECK(d.position == Value::string("binlog.000001:42"));
  auto* agg = dynamic_cast<operators::aggregate::AggregateProcessor*>(s.proc.get());
  BOOST_REQUIRE(agg);
  BOOST_CHECK_EQUAL(agg->truncates(), 1u);
  BOOST_CHECK_EQUAL(agg->group_count(), 1u);
  run(*s.proc, {truncate_event()});
  BOOST_CHECK_EQUAL(agg->truncates(), 2u);
}

BOOST_AUTO_TEST_CASE(join_dead_letters_a_truncate_on_any_input) {
  Stage s = stage_from(
      "pipeline p {\n  source test a { }\n  source test b { }\n"
      "  join j from a, b on customer_id { select { id: customer_id, name: a.name, n: b.n } }\n"
      "  sink test out from j { }\n}\n",
      "j");
  run(*s.proc, {ins(R"({"customer_id":1,"name":"Ann"})")}, 0);
  auto o = run(*s.proc, {truncate_event(), ins(R"({"customer_id":1,"n":3})")}, 1);
  BOOST_REQUIRE_EQUAL(o.out.size(), 1u);
  BOOST_CHECK_EQUAL(js(o.out[0].row), R"({"id":1,"name":"Ann","n":3})");
  BOOST_REQUIRE_EQUAL(o.dead.size(), 1u);
  BOOST_CHECK(o.dead[0].op == Op::Truncate);
  BOOST_CHECK_EQUAL(o.dead[0].dead_letter->kind(), "truncate");
  auto o2 = run(*s.proc, {truncate_event()}, 0);
  BOOST_CHECK(o2.out.empty());
  BOOST_CHECK_EQUAL(o2.dead.size(), 1u);
  auto* j = dynamic_cast<operators::join::JoinProcessor*>(s.proc.get());
  BOOST_REQUIRE(j);
  BOOST_CHECK_EQUAL(j->truncates(), 2u);
  BOOST_CHECK_EQUAL(j->key_count(), 1u);  // the state is untouched
}

BOOST_AUTO_TEST_SUITE_END()
