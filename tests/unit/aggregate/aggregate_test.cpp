#include <boost/test/unit_test.hpp>

#include "agg_test_util.h"
#include "operators/aggregate/aggregate_processor.h"

using namespace sluice;
using namespace aggtest;

namespace {

using Lines = std::vector<std::string>;

void check_lines(const Out& o, const Lines& want) {
  Lines got = o.lines();
  BOOST_CHECK_EQUAL_COLLECTIONS(got.begin(), got.end(), want.begin(), want.end());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(aggregate_stage)

BOOST_AUTO_TEST_CASE(count_sum_avg_on_inserts_updates_deletes) {
  Stage s = make_agg(
      "group by customer_id\n n = count()\n nb = count(balance)\n total = sum(balance)\n"
      " mean = avg(balance)");
  check_lines(run(*s.proc, {ins(R"({"id":1,"customer_id":7,"balance":10.50})"),
                            ins(R"({"id":2,"customer_id":7,"balance":2.25})"),
                            ins(R"({"id":3,"customer_id":8,"balance":null})")}),
              {R"(c {"customer_id":7,"n":2,"nb":2,"total":12.75,"mean":6.375000})",
               R"(c {"customer_id":8,"n":1,"nb":0,"total":null,"mean":null})"});
  // An update within the group.
  check_lines(run(*s.proc, {upd(R"({"id":2,"customer_id":7,"balance":2.25})",
                                R"({"id":2,"customer_id":7,"balance":3.25})")}),
              {R"(u {"customer_id":7,"n":2,"nb":2,"total":13.75,"mean":6.875000} <- )"
               R"({"customer_id":7,"n":2,"nb":2,"total":12.75,"mean":6.375000})"});
  // The group key changes: two groups change.
  check_lines(run(*s.proc, {upd(R"({"id":1,"customer_id":7,"balance":10.50})",
                                R"({"id":1,"customer_id":8,"balance":1.00})")}),
              {R"(u {"customer_id":7,"n":1,"nb":1,"total":3.25,"mean":3.250000} <- )"
               R"({"customer_id":7,"n":2,"nb":2,"total":13.75,"mean":6.875000})",
               R"(u {"customer_id":8,"n":2,"nb":1,"total":1.00,"mean":1.000000} <- )"
               R"({"customer_id":8,"n":1,"nb":0,"total":null,"mean":null})"});
  // Deleting the last row of a group emits its last output as a delete.
  check_lines(run(*s.proc, {del(R"({"id":2,"customer_id":7,"balance":3.25})")}),
              {R"(d {"customer_id":7,"n":1,"nb":1,"total":3.25,"mean":3.250000})"});
  BOOST_CHECK_EQUAL(dynamic_cast<operators::aggregate::AggregateProcessor&>(*s.proc).group_count(),
                    1u);
}

BOOST_AUTO_TEST_CASE(int_sums_and_avg) {
  Stage s = make_agg("group by g\n total = sum(x)\n mean = avg(x)");
  check_lines(run(*s.proc, {ins(R"({"id":1,"g":1,"x":9223372036854775807})"),
                            ins(R"({"id":2,"g":2,"x":1})"), ins(R"({"id":3,"g":2,"x":2})")}),
              {R"(c {"g":1,"total":9223372036854775807,"mean":9223372036854775807.0000})",
               R"(c {"g":2,"total":3,"mean":1.5000})"});
  // Beyond int64: the exact value as a decimal of scale 0; back to int when it fits again.
  auto o = run(*s.proc, {ins(R"({"id":4,"g":1,"x":10})")});
  BOOST_REQUIRE_EQUAL(o.out.size(), 1u);
  const Value* t = o.out[0].row.find(intern("total"));
  BOOST_REQUIRE(t != nullptr);
  BOOST_CHECK(t->type() == Type::Decimal);
  BOOST_CHECK_EQUAL(t->to_display(), "9223372036854775817");
  o = run(*s.proc, {del(R"({"id":4,"g":1,"x":10})")});
  BOOST_REQUIRE_EQUAL(o.out.size(), 1u);
  BOOST_CHECK(o.out[0].row.find(intern("total"))->type() == Type::Int);
  // Float inputs make a float sum.
  Event f = ins(R"({"id":5,"g":3})");
  f.row.set(intern("x"), Value::float64(1.5));
  o = run(*s.proc, {std::move(f)});
  BOOST_REQUIRE_EQUAL(o.out.size(), 1u);
  BOOST_CHECK(o.out[0].row.find(intern("total"))->type() == Type::Float);
}

BOOST_AUTO_TEST_CASE(decimal_sum_keeps_the_largest_scale_present) {
  Stage s = make_agg("group by g\n total = sum(x)");
  check_lines(run(*s.proc, {ins(R"({"id":1,"g":1,"x":1.5})"), ins(R"({"id":2,"g":1,"x":2.25})")}),
              {R"(c {"g":1,"total":3.75})"});
  check_lines(run(*s.proc, {del(R"({"id":2,"g":1,"x":2.25})")}),
              {R"(u {"g":1,"total":1.5} <- {"g":1,"total":3.75})"});
}

BOOST_AUTO_TEST_CASE(min_max_distinct_set_retraction_sequence) {
  Stage s = make_agg(
      "group by g\n lo = min(x)\n hi = max(x)\n kinds = count_distinct(t)\n"
      " types = collect_set(t)");
  check_lines(
      run(*s.proc,
          {ins(R"({"id":1,"g":1,"x":5,"t":"b"})"), ins(R"({"id":2,"g":1,"x":3,"t":"a"})"),
           ins(R"({"id":3,"g":1,"x":9,"t":"a"})"), ins(R"({"id":4,"g":1,"x":3,"t":null})")}),
      {R"(c {"g":1,"lo":3,"hi":9,"kinds":2,"types":["a","b"]})"});
  // One of the two 3s goes: min stays 3; one "a" goes: still two kinds. No change: no event.
  check_lines(run(*s.proc, {del(R"({"id":2,"g":1,"x":3,"t":"a"})")}), {});
  check_lines(run(*s.proc, {del(R"({"id":4,"g":1,"x":3,"t":null})")}),
              {R"(u {"g":1,"lo":5,"hi":9,"kinds":2,"types":["a","b"]} <- )"
               R"({"g":1,"lo":3,"hi":9,"kinds":2,"types":["a","b"]})"});
  check_lines(
      run(*s.proc, {upd(R"({"id":3,"g":1,"x":9,"t":"a"})", R"({"id":3,"g":1,"x":4,"t":"b"})")}),
      {R"(u {"g":1,"lo":4,"hi":5,"kinds":1,"types":["b"]} <- )"
       R"({"g":1,"lo":5,"hi":9,"kinds":2,"types":["a","b"]})"});
}

BOOST_AUTO_TEST_CASE(first_last_collect_list_follow_arrival_order) {
  Stage s = make_agg("group by g\n f = first(t)\n l = last(t)\n all = collect_list(t)");
  check_lines(run(*s.proc, {ins(R"({"id":1,"g":1,"t":"x"})"), ins(R"({"id":2,"g":1,"t":"y"})"),
                            ins(R"({"id":3,"g":1,"t":"x"})")}),
              {R"(c {"g":1,"f":"x","l":"x","all":["x","y","x"]})"});
  // Deleting row 1 (not row 3, which has the same value) makes "y" first.
  check_lines(
      run(*s.proc, {del(R"({"id":1,"g":1,"t":"x"})")}),
      {R"(u {"g":1,"f":"y","l":"x","all":["y","x"]} <- {"g":1,"f":"x","l":"x","all":["x","y","x"]})"});
  // An update moves the row to the end.
  check_lines(
      run(*s.proc, {upd(R"({"id":2,"g":1,"t":"y"})", R"({"id":2,"g":1,"t":"z"})")}),
      {R"(u {"g":1,"f":"x","l":"z","all":["x","z"]} <- {"g":1,"f":"y","l":"x","all":["y","x"]})"});
}

BOOST_AUTO_TEST_CASE(changes_in_one_batch_coalesce) {
  Stage s = make_agg("group by g\n n = count()\n total = sum(x)");
  // A new group changed three times in the batch: one create with the final values.
  check_lines(run(*s.proc, {ins(R"({"id":1,"g":1,"x":1})"), ins(R"({"id":2,"g":1,"x":2})"),
                            upd(R"({"id":2,"g":1,"x":2})", R"({"id":2,"g":1,"x":5})")}),
              {R"(c {"g":1,"n":2,"total":6})"});
  // A group created and emptied inside one batch emits nothing.
  check_lines(run(*s.proc, {ins(R"({"id":3,"g":2,"x":1})"), del(R"({"id":3,"g":2,"x":1})")}), {});
  // Changes that cancel out emit nothing either.
  check_lines(run(*s.proc, {ins(R"({"id":4,"g":1,"x":1})"), del(R"({"id":4,"g":1,"x":1})")}), {});
  auto o = run(*s.proc, {del(R"({"id":1,"g":1,"x":1})"), del(R"({"id":2,"g":1,"x":5})")});
  check_lines(o, {R"(d {"g":1,"n":2,"total":6})"});
  BOOST_CHECK(o.out[0].key == Value::int64(1));
}

BOOST_AUTO_TEST_CASE(statements_before_group_by_filter_both_images) {
  Stage s = make_agg(
      "where status != \"closed\"\n set cents = balance * 100\n group by customer_id\n"
      " n = count()\n c = sum(cents)");
  check_lines(run(*s.proc, {ins(R"({"id":1,"customer_id":1,"status":"open","balance":1.25})"),
                            ins(R"({"id":2,"customer_id":1,"status":"closed","balance":7})")}),
              {R"(c {"customer_id":1,"n":1,"c":125.00})"});
  // Closing the account retracts it (the new row does not pass `where`).
  check_lines(run(*s.proc, {upd(R"({"id":1,"customer_id":1,"status":"open","balance":1.25})",
                                R"({"id":1,"customer_id":1,"status":"closed","balance":1.25})")}),
              {R"(d {"customer_id":1,"n":1,"c":125.00})"});
  // Reopening one adds it.
  check_lines(run(*s.proc, {upd(R"({"id":2,"customer_id":1,"status":"closed","balance":7})",
                                R"({"id":2,"customer_id":1,"status":"open","balance":7})")}),
              {R"(c {"customer_id":1,"n":1,"c":700})"});
}

BOOST_AUTO_TEST_CASE(multi_key_and_expression_keys) {
  Stage s = make_agg("group by region, upper(kind)\n n = count()");
  auto o = run(*s.proc, {ins(R"({"id":1,"region":"eu","kind":"a"})")});
  check_lines(o, {R"(c {"region":"eu","key2":"A","n":1})"});
  BOOST_CHECK_EQUAL(js(o.out[0].key), R"(["eu","A"])");
}

BOOST_AUTO_TEST_CASE(tumbling_window_adds_window_start) {
  Stage s = make_agg("window tumbling(1h) on at\n group by g\n n = count()");
  auto ev = [](int id, int64_t at_us) {
    Event e = ins(R"({"id":)" + std::to_string(id) + R"(,"g":1})");
    e.row.set(intern("at"), Value::datetime(at_us));
    return e;
  };
  const int64_t h = 3600LL * 1000000;
  auto o = run(*s.proc, {ev(1, 10 * h + 5), ev(2, 10 * h + h - 1), ev(3, 11 * h)});
  check_lines(o, {R"(c {"g":1,"window_start":"1970-01-01T10:00:00.000000","n":2})",
                  R"(c {"g":1,"window_start":"1970-01-01T11:00:00.000000","n":1})"});
  BOOST_CHECK(o.out[0].row.find(intern("window_start"))->type() == Type::DateTime);
  BOOST_CHECK(o.out[0].key.type() == Type::List);
  // Dates with a whole-day window stay dates.
  Stage d = make_agg("window tumbling(1d) on day\n group by g\n n = count()");
  Event e = ins(R"({"id":1,"g":1})");
  e.row.set(intern("day"), Value::date(19000));
  auto od = run(*d.proc, {std::move(e)});
  BOOST_REQUIRE_EQUAL(od.out.size(), 1u);
  BOOST_CHECK(*od.out[0].row.find(intern("window_start")) == Value::date(19000));
}

BOOST_AUTO_TEST_CASE(errors_go_to_dead_letters_and_leave_state_alone) {
  Stage s = make_agg("group by g\n total = sum(x)\n n = count()");
  run(*s.proc, {ins(R"({"id":1,"g":1,"x":1})")});
  std::string before = s.proc->checkpoint_state();
  auto o = run(*s.proc, {ins(R"({"id":2,"g":1,"x":"nope"})"),
                         upd(R"({"id":1,"g":1,"x":1})", R"({"id":1,"g":2,"x":"bad"})")});
  BOOST_CHECK(o.out.empty());
  BOOST_REQUIRE_EQUAL(o.dead.size(), 2u);
  BOOST_REQUIRE(o.dead[0].dead_letter);
  BOOST_CHECK_EQUAL(o.dead[0].dead_letter->kind(), "eval");
  BOOST_CHECK_EQUAL(o.dead[0].dead_letter->stage, "agg");
  BOOST_CHECK_EQUAL(s.proc->checkpoint_state(), before);
  // A decimal sum beyond 76 digits is refused, and the retraction part of the update undone.
  Stage d = make_agg("group by g\n total = sum(x)");
  run(*d.proc,
      {ins(R"({"id":1,"g":1,"x":)" + std::string(76, '9') + "}"), ins(R"({"id":2,"g":2,"x":5})")});
  std::string st = d.proc->checkpoint_state();
  auto o2 = run(*d.proc, {upd(R"({"id":2,"g":2,"x":5})", R"({"id":2,"g":1,"x":1.0})")});
  BOOST_CHECK(o2.out.empty());
  BOOST_CHECK_EQUAL(o2.dead.size(), 1u);
  BOOST_CHECK_EQUAL(d.proc->checkpoint_state(), st);
}

BOOST_AUTO_TEST_CASE(wide_decimal_sum_and_avg_are_exact_across_a_checkpoint) {
  const std::string max = "99999999999999999999999999999999999.999999999999999999999999999999";
  Stage s = make_agg("group by g\n total = sum(x)\n mean = avg(x)");
  auto row = [](int id, const std::string& x) {
    return R"({"id":)" + std::to_string(id) + R"(,"g":1,"x":)" + x + "}";
  };
  auto last = [](const auto& o, const char* name) {
    return o.out.back().row.find(intern(name))->as_decimal().to_string();
  };
  auto o = run(*s.proc, {ins(row(1, max)), ins(row(2, max))});
  BOOST_REQUIRE(!o.out.empty());
  BOOST_CHECK_EQUAL(last(o, "total"),
                    "199999999999999999999999999999999999.999999999999999999999999999998");
  BOOST_CHECK_EQUAL(last(o, "mean"),
                    "99999999999999999999999999999999999.9999999999999999999999999999990000");
  // The wide sum survives the checkpoint text exactly.
  std::string state = s.proc->checkpoint_state();
  BOOST_CHECK(state.find("199999999999999999999999999999999999.999999999999999999999999999998") !=
              std::string::npos);
  auto restored = s.another();
  auto r = restored->open(state);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
  BOOST_CHECK_EQUAL(restored->checkpoint_state(), state);
  auto more = [&] {
    return std::vector<Event>{ins(row(3, "-" + max)),
                              ins(row(4, "0.000000000000000000000000000003"))};
  };
  auto a = run(*s.proc, more());
  auto b = run(*restored, more());
  BOOST_CHECK_EQUAL(last(b, "total"),
                    "100000000000000000000000000000000000.000000000000000000000000000002");
  BOOST_CHECK_EQUAL(last(b, "mean"),
                    "25000000000000000000000000000000000.0000000000000000000000000000005000");
  auto la = a.lines(), lb = b.lines();
  BOOST_CHECK_EQUAL_COLLECTIONS(la.begin(), la.end(), lb.begin(), lb.end());
  // Retractions stay exact; once the sum fits 38 digits it is a 128-bit decimal again.
  auto c = run(*restored, {del(row(1, max)), del(row(2, max))});
  BOOST_CHECK_EQUAL(last(c, "total"),
                    "-99999999999999999999999999999999999.999999999999999999999999999996");
  BOOST_CHECK(c.out.back().row.find(intern("total"))->as_decimal().is_wide());
  auto d = run(*restored, {del(row(3, "-" + max))});
  BOOST_CHECK_EQUAL(last(d, "total"), "0.000000000000000000000000000003");
  BOOST_CHECK(!d.out.back().row.find(intern("total"))->as_decimal().is_wide());
}

BOOST_AUTO_TEST_CASE(state_round_trip) {
  Stage s = make_agg(
      "group by customer_id\n n = count()\n total = sum(balance)\n mean = avg(balance)\n"
      " lo = min(opened)\n kinds = count_distinct(t)\n types = collect_set(t)\n"
      " f = first(t)\n l = last(t)\n all = collect_list(t)\n fl = sum(w)");
  std::vector<Event> in;
  for (int i = 0; i < 50; ++i) {
    Event e = ins(R"({"id":)" + std::to_string(i) + R"(,"customer_id":)" + std::to_string(i % 7) +
                  R"(,"balance":)" + std::to_string(i) + ".0" + std::to_string(i % 10) +
                  R"(,"t":")" + std::string(1, char('a' + i % 4)) + R"(","w":0.1e0})");
    e.row.set(intern("opened"), Value::date(18000 + i));
    e.row.set(intern("w"), Value::float64(0.1 * i));
    if (i % 5 == 0) e.row.set(intern("t"), Value::bytes(std::string("\0\x01;:", 4)));
    in.push_back(std::move(e));
  }
  run(*s.proc, std::move(in));
  std::string state = s.proc->checkpoint_state();
  auto restored = s.another();
  auto r = restored->open(state);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
  BOOST_CHECK_EQUAL(restored->checkpoint_state(), state);
  // Both continue identically (outputs incl. before images computed from restored state).
  std::vector<Event> more1, more2;
  for (int i = 0; i < 10; ++i) {
    std::string row = R"({"id":)" + std::to_string(i) + R"(,"customer_id":)" +
                      std::to_string(i % 7) + R"(,"balance":)" + std::to_string(i) + ".0" +
                      std::to_string(i % 10) + R"(,"t":")" + std::string(1, char('a' + i % 4)) +
                      R"(","w":0.1e0})";
    Event e = del(row);
    e.row.set(intern("opened"), Value::date(18000 + i));
    e.row.set(intern("w"), Value::float64(0.1 * i));
    if (i % 5 == 0) e.row.set(intern("t"), Value::bytes(std::string("\0\x01;:", 4)));
    more1.push_back(e);
    more2.push_back(e);
  }
  auto a = run(*s.proc, std::move(more1));
  auto b = run(*restored, std::move(more2));
  BOOST_CHECK(!a.out.empty());
  auto la = a.lines(), lb = b.lines();
  BOOST_CHECK_EQUAL_COLLECTIONS(la.begin(), la.end(), lb.begin(), lb.end());
  BOOST_CHECK_EQUAL(s.proc->checkpoint_state(), restored->checkpoint_state());
  // Restoring into a different aggregate is refused; garbage is refused.
  Stage other = make_agg("group by customer_id\n n = count()");
  BOOST_CHECK(!other.proc->open(state).ok());
  BOOST_CHECK(!s.another()->open(state.substr(0, state.size() / 2)).ok());
}

BOOST_AUTO_TEST_SUITE_END()
