#include <boost/test/unit_test.hpp>
#include <chrono>

#include "op_test_util.h"
#include "operators/transform/transform_processor.h"

using namespace sluice;
using optest::row_json;

namespace {

struct Run {
  std::vector<Event> out;
  std::vector<Event> dead;
  std::vector<std::string> rows() const {
    std::vector<std::string> r;
    for (const auto& e : out) r.push_back(row_json(e.row));
    return r;
  }
};

struct Fixture {
  std::shared_ptr<optest::Parsed> parsed;
  std::unique_ptr<Processor> proc;
  explicit Fixture(const std::string& statements) {
    parsed =
        optest::parse_text("pipeline p {\n transform t from src {\n" + statements + "\n }\n}\n");
    auto c = optest::config_for(*parsed, "t");
    auto r = operators::transform::TransformProcessor::make(c);
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
    proc = std::move(r.value());
  }
  Run run(const std::vector<std::string>& rows) {
    std::vector<Event> in;
    for (const auto& j : rows) in.push_back(optest::event_of(j));
    Run r;
    proc->process(0, in, r.out, r.dead);
    BOOST_CHECK(in.empty());
    return r;
  }
  std::string one(const std::string& row) {
    Run r = run({row});
    BOOST_REQUIRE_EQUAL(r.out.size(), 1u);
    return row_json(r.out[0].row);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(transform_statements)

BOOST_AUTO_TEST_CASE(where_drops_false_and_null) {
  Fixture f("buffer = 100\n where amount > 10");
  auto r = f.run({R"({"amount":5})", R"({"amount":50})", R"({"amount":null})", R"({"x":1})"});
  BOOST_CHECK(r.rows() == std::vector<std::string>{R"({"amount":50})"});
  BOOST_CHECK(r.dead.empty());
}

BOOST_AUTO_TEST_CASE(set_top_level_and_nested_paths) {
  Fixture f("set total = amount * 2\n set address.city = upper(city)\n set amount = 0");
  BOOST_CHECK_EQUAL(
      f.one(R"({"amount":1.25,"city":"oslo","address":{"zip":"0150"}})"),
      R"({"amount":0,"city":"oslo","address":{"zip":"0150","city":"OSLO"},"total":2.50})");
  BOOST_CHECK_EQUAL(f.one(R"({"amount":1,"city":"x"})"),
                    R"({"amount":0,"city":"x","total":2,"address":{"city":"X"}})");
}

BOOST_AUTO_TEST_CASE(drop_keep_and_nested_keep) {
  Fixture d("drop secret, address.zip");
  BOOST_CHECK_EQUAL(d.one(R"({"id":1,"secret":"s","address":{"zip":"1","city":"c"}})"),
                    R"({"id":1,"address":{"city":"c"}})");
  Fixture k("keep name, id");
  BOOST_CHECK_EQUAL(k.one(R"({"id":1,"x":2,"name":"n","y":3})"), R"({"id":1,"name":"n"})");
  Fixture kn("keep id, address.city");
  BOOST_CHECK_EQUAL(kn.one(R"({"id":1,"x":2,"address":{"zip":"1","city":"c"}})"),
                    R"({"id":1,"address":{"city":"c"}})");
}

BOOST_AUTO_TEST_CASE(rename_top_level_keeps_position_and_nested_moves) {
  Fixture f("rename name to login\n rename address.city to town");
  BOOST_CHECK_EQUAL(f.one(R"({"id":1,"name":"a","login":"old","address":{"city":"c"}})"),
                    R"({"id":1,"login":"a","address":{},"town":"c"})");
}

BOOST_AUTO_TEST_CASE(select_builds_nested_shape) {
  Fixture f(R"(select { id: id, who: { login: actor.login, upper: upper(actor.login) }, n: 1 })");
  BOOST_CHECK_EQUAL(f.one(R"({"id":7,"actor":{"login":"bob"},"junk":true})"),
                    R"({"id":7,"who":{"login":"bob","upper":"BOB"},"n":1})");
}

BOOST_AUTO_TEST_CASE(flatten_in_place_with_and_without_prefix) {
  Fixture f("flatten actor prefix \"actor_\"");
  BOOST_CHECK_EQUAL(f.one(R"({"id":1,"actor":{"id":9,"login":"bob"},"z":0})"),
                    R"({"id":1,"actor_id":9,"actor_login":"bob","z":0})");
  Fixture g("flatten actor");
  BOOST_CHECK_EQUAL(g.one(R"({"id":1,"actor":{"id":9,"login":"bob"},"z":0})"),
                    R"({"id":9,"login":"bob","z":0})");
  BOOST_CHECK_EQUAL(g.one(R"({"id":1,"actor":null})"), R"({"id":1,"actor":null})");
  Fixture n("flatten payload.pr prefix \"pr_\"");
  BOOST_CHECK_EQUAL(n.one(R"({"payload":{"pr":{"n":5},"k":1}})"),
                    R"({"payload":{"k":1},"pr_n":5})");
}

BOOST_AUTO_TEST_CASE(key_single_and_composite) {
  Fixture one("key id");
  auto r = one.run({R"({"id":5})"});
  BOOST_REQUIRE_EQUAL(r.out.size(), 1u);
  BOOST_CHECK(r.out[0].key == Value::int64(5));
  Fixture two("key id, lower(name)");
  r = two.run({R"({"id":5,"name":"AB"})"});
  BOOST_REQUIRE_EQUAL(r.out.size(), 1u);
  BOOST_CHECK(r.out[0].key == Value::list({Value::int64(5), Value::string("ab")}));
}

BOOST_AUTO_TEST_CASE(require_failure_goes_to_dead_letter) {
  Fixture f(R"(set login = actor.login
 require login is not null else "actor has no login"
 set ok = true)");
  auto r = f.run({R"({"actor":{"login":"a"}})", R"({"actor":{}})", R"({"actor":{"login":"b"}})"});
  BOOST_REQUIRE_EQUAL(r.out.size(), 2u);
  BOOST_CHECK_EQUAL(row_json(r.out[1].row), R"({"actor":{"login":"b"},"login":"b","ok":true})");
  BOOST_REQUIRE_EQUAL(r.dead.size(), 1u);
  const Event& d = r.dead[0];
  BOOST_REQUIRE(d.dead_letter != nullptr);
  BOOST_CHECK_EQUAL(d.dead_letter->kind(), "require");
  BOOST_CHECK_EQUAL(d.dead_letter->code.qualified(), "engine.require_failed");
  BOOST_CHECK_EQUAL(d.dead_letter->message, "actor has no login");
  BOOST_CHECK_EQUAL(d.dead_letter->stage, "t");
  BOOST_CHECK_GT(d.dead_letter->at, 0);
  BOOST_CHECK(r.out[0].dead_letter == nullptr);
}

BOOST_AUTO_TEST_CASE(eval_error_goes_to_dead_letter) {
  Fixture f("set n = to_int(s)");
  auto r = f.run({R"({"s":"12"})", R"({"s":"twelve"})"});
  BOOST_REQUIRE_EQUAL(r.out.size(), 1u);
  BOOST_CHECK_EQUAL(row_json(r.out[0].row), R"({"s":"12","n":12})");
  BOOST_REQUIRE_EQUAL(r.dead.size(), 1u);
  BOOST_CHECK_EQUAL(r.dead[0].dead_letter->kind(), "eval");
  BOOST_CHECK(r.dead[0].dead_letter->code == eval::errc::bad_cast);
  BOOST_CHECK(!r.dead[0].dead_letter->message.empty());
  // the dead letter encodes in the DLQ form, the code beside the kind
  std::string line = event_codec::encode(r.dead[0]);
  BOOST_CHECK(line.rfind("{\"error\":{\"stage\":\"t\",\"kind\":\"eval\",\"code\":\"eval.bad_cast\"",
                         0) == 0);
}

BOOST_AUTO_TEST_CASE(statements_run_in_order_and_see_meta) {
  Fixture f("set op = @op\n set a = 1\n set b = a + 1\n where b == 2");
  BOOST_CHECK_EQUAL(f.one("{}"), R"({"op":"c","a":1,"b":2})");
}

BOOST_AUTO_TEST_CASE(speed_three_statements) {
  Fixture f("where amount > 10\n set total = amount * 2\n drop note");
  const size_t kBatch = 4096;
  std::vector<Event> proto;
  for (size_t i = 0; i < kBatch; ++i) {
    Event e;
    e.row.append(intern("id"), Value::int64(static_cast<int64_t>(i)));
    e.row.append(intern("amount"), Value::int64(static_cast<int64_t>(i % 100)));
    e.row.append(intern("note"), Value::string("n"));
    proto.push_back(std::move(e));
  }
  std::vector<Event> in, out, dead;
  double busy = 0;
  size_t total = 0;
  for (int round = 0; round < 100; ++round) {
    in = proto;  // copying is not timed
    out.clear();
    auto t0 = std::chrono::steady_clock::now();
    f.proc->process(0, in, out, dead);
    busy += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    total += kBatch;
  }
  BOOST_CHECK(dead.empty());
  size_t expect = 0;
  for (size_t i = 0; i < kBatch; ++i) expect += (i % 100) > 10;
  BOOST_CHECK_EQUAL(out.size(), expect);
  BOOST_CHECK_EQUAL(row_json(out[0].row), R"({"id":11,"amount":11,"total":22})");
  BOOST_TEST_MESSAGE("transform: " << total / busy << " records/s");
}

BOOST_AUTO_TEST_SUITE_END()
