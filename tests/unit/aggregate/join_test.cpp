#include <boost/test/unit_test.hpp>

#include "agg_test_util.h"
#include "operators/join/join_processor.h"

using namespace sluice;
using namespace aggtest;

namespace {

using Lines = std::vector<std::string>;

Stage join3(const std::string& body) {
  return stage_from(
      "pipeline p {\n"
      "  source test customers_t { }\n"
      "  source test account_summary { }\n"
      "  source test txn_summary { }\n"
      "  join j from customers_t, account_summary, txn_summary on customer_id {\n" +
          body + "\n  }\n  sink test out from j { }\n}\n",
      "j");
}

const char* kSelect =
    "select { id: customer_id, name: customers_t.name, total: account_summary.total, "
    "n: txn_summary.n }";

void check_lines(const Out& o, const Lines& want) {
  Lines got = o.lines();
  BOOST_CHECK_EQUAL_COLLECTIONS(got.begin(), got.end(), want.begin(), want.end());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(join_stage)

BOOST_AUTO_TEST_CASE(three_inputs_first_drives_missing_sides_null) {
  Stage s = join3(kSelect);
  Processor& p = *s.proc;
  // Other inputs alone emit nothing.
  check_lines(run(p, {ins(R"({"customer_id":1,"total":10.50})")}, 1), {});
  check_lines(run(p, {ins(R"({"customer_id":1,"n":3})")}, 2), {});
  // The first input arrives: the merged row, with both other sides.
  auto o = run(
      p, {ins(R"({"customer_id":1,"name":"Ann"})"), ins(R"({"customer_id":2,"name":"Bob"})")}, 0);
  check_lines(o, {R"(c {"id":1,"name":"Ann","total":10.50,"n":3})",
                  R"(c {"id":2,"name":"Bob","total":null,"n":null})"});
  BOOST_CHECK(o.out[0].key == Value::int64(1));
  // A change on another input updates the merged row.
  check_lines(
      run(p, {upd(R"({"customer_id":2,"total":1})", R"({"customer_id":2,"total":5})")}, 1),
      {R"(u {"id":2,"name":"Bob","total":5,"n":null} <- {"id":2,"name":"Bob","total":null,"n":null})"});
  // A delete on a non-first input: that side reads null again.
  check_lines(
      run(p, {del(R"({"customer_id":1,"n":3})")}, 2),
      {R"(u {"id":1,"name":"Ann","total":10.50,"n":null} <- {"id":1,"name":"Ann","total":10.50,"n":3})"});
  // An unchanged result emits nothing.
  check_lines(run(p, {upd(R"({"customer_id":1,"n":3,"x":1})", R"({"customer_id":1,"x":2})")}, 2),
              {});
  // The first input deletes the key: a delete with the last output.
  check_lines(run(p, {del(R"({"customer_id":1,"name":"Ann"})")}, 0),
              {R"(d {"id":1,"name":"Ann","total":10.50,"n":null})"});
  // Other inputs keep their rows: the key comes back complete when the first input returns.
  check_lines(run(p, {ins(R"({"customer_id":1,"name":"Ann2"})")}, 0),
              {R"(c {"id":1,"name":"Ann2","total":10.50,"n":null})"});
}

BOOST_AUTO_TEST_CASE(key_change_moves_the_row) {
  Stage s = join3(kSelect);
  Processor& p = *s.proc;
  run(p, {ins(R"({"customer_id":1,"name":"Ann"})"), ins(R"({"customer_id":2,"name":"Bob"})")}, 0);
  check_lines(
      run(p, {ins(R"({"customer_id":1,"total":7})")}, 1),
      {R"(u {"id":1,"name":"Ann","total":7,"n":null} <- {"id":1,"name":"Ann","total":null,"n":null})"});
  check_lines(
      run(p, {upd(R"({"customer_id":1,"total":7})", R"({"customer_id":2,"total":7})")}, 1),
      {R"(u {"id":1,"name":"Ann","total":null,"n":null} <- {"id":1,"name":"Ann","total":7,"n":null})",
       R"(u {"id":2,"name":"Bob","total":7,"n":null} <- {"id":2,"name":"Bob","total":null,"n":null})"});
  check_lines(
      run(p, {upd(R"({"customer_id":2,"name":"Bob"})", R"({"customer_id":3,"name":"Bob"})")}, 0),
      {R"(d {"id":2,"name":"Bob","total":7,"n":null})",
       R"(c {"id":3,"name":"Bob","total":null,"n":null})"});
}

BOOST_AUTO_TEST_CASE(where_set_and_errors) {
  Stage s = join3(
      "where account_summary.total != 0\n"
      "set total = account_summary.total * 2\n"
      "set nn = 10 / txn_summary.n\n"
      "drop name");
  Processor& p = *s.proc;
  run(p, {ins(R"({"customer_id":1,"total":5})")}, 1);
  check_lines(run(p, {ins(R"({"customer_id":1,"name":"Ann"})")}, 0),
              {R"(c {"customer_id":1,"total":10,"nn":null})"});
  // `where` false drops the merged row: a delete.
  check_lines(run(p, {upd(R"({"customer_id":1,"total":5})", R"({"customer_id":1,"total":0})")}, 1),
              {R"(d {"customer_id":1,"total":10,"nn":null})"});
  check_lines(run(p, {upd(R"({"customer_id":1,"total":0})", R"({"customer_id":1,"total":1})")}, 1),
              {R"(c {"customer_id":1,"total":2,"nn":null})"});
  // An evaluation error: the triggering event goes to the dead letters.
  auto o = run(p, {ins(R"({"customer_id":1,"n":"x"})")}, 2);
  BOOST_CHECK(o.out.empty());
  BOOST_REQUIRE_EQUAL(o.dead.size(), 1u);
  BOOST_CHECK_EQUAL(o.dead[0].dead_letter->kind(), "eval");
}

BOOST_AUTO_TEST_CASE(state_round_trip) {
  Stage s = join3(kSelect);
  Processor& p = *s.proc;
  for (int i = 0; i < 30; ++i) {
    std::string id = std::to_string(i);
    run(p, {ins(R"({"customer_id":)" + id + R"(,"name":"c)" + id + R"("})")}, 0);
    if (i % 2 == 0) run(p, {ins(R"({"customer_id":)" + id + R"(,"total":1.0)" + id + "}")}, 1);
    if (i % 3 == 0) run(p, {ins(R"({"customer_id":)" + id + R"(,"n":)" + id + "}")}, 2);
  }
  run(p, {ins(R"({"customer_id":100,"n":1})")}, 2);  // a key only the third input has
  std::string state = p.checkpoint_state();
  auto q = s.another();
  BOOST_REQUIRE(q->open(state).ok());
  BOOST_CHECK_EQUAL(q->checkpoint_state(), state);
  BOOST_CHECK_EQUAL(dynamic_cast<operators::join::JoinProcessor&>(*q).key_count(), 31u);
  auto a = run(
      p, {del(R"({"customer_id":4,"name":"c4"})"), ins(R"({"customer_id":100,"name":"z"})")}, 0);
  auto b = run(
      *q, {del(R"({"customer_id":4,"name":"c4"})"), ins(R"({"customer_id":100,"name":"z"})")}, 0);
  auto la = a.lines(), lb = b.lines();
  BOOST_CHECK_EQUAL(la.size(), 2u);
  BOOST_CHECK_EQUAL_COLLECTIONS(la.begin(), la.end(), lb.begin(), lb.end());
}

BOOST_AUTO_TEST_SUITE_END()
