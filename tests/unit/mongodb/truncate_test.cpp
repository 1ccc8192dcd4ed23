// Op::Truncate in the mongodb sink: deleteMany({}) on the mapped collection, in order within a
// flush (earlier ops of that collection dropped, later ones in a batch that runs after it).
#include <boost/test/unit_test.hpp>

#include "mongo_test_util.h"
#include "operators/mongodb/mongodb_sink.h"

using namespace mongotest;

namespace {

Event truncate_of(std::shared_ptr<const SourceMeta> m) {
  Event e;
  e.op = Op::Truncate;
  e.source = std::move(m);
  e.ts = 1709214359123456;
  e.position = Value::int64(9);
  return e;
}

const char* kDeleteMany = R"({ "deleteMany" : { "filter" : {  } } })";

}  // namespace

BOOST_AUTO_TEST_SUITE(mongodb_truncate)

BOOST_AUTO_TEST_CASE(delete_many_in_order_within_the_flush) {
  std::shared_ptr<Parsed> keep;
  MongoOptions o = options(kBase, keep);
  BulkPlanner p(o);
  auto customers = meta("customers", {"id"});
  auto orders = meta("orders", {"id"});
  std::vector<Event> evs;
  evs.push_back(ev(Op::Create, obj(R"({"id": 1, "name": "Ann"})"), customers));
  evs.push_back(ev(Op::Create, obj(R"({"id": 7, "total": 3})"), orders));
  evs.push_back(truncate_of(customers));
  evs.push_back(ev(Op::Create, obj(R"({"id": 2, "name": "Bob"})"), customers));
  evs.push_back(ev(Op::Create, obj(R"({"id": 8, "total": 4})"), orders));
  std::vector<const Event*> ptrs;
  for (const auto& e : evs) ptrs.push_back(&e);
  std::vector<Event> dead;
  auto batches = p.plan(ptrs, dead);
  BOOST_CHECK(dead.empty());
  BOOST_REQUIRE_EQUAL(batches.size(), 3u);
  // customers: the deleteMany alone (the insert of id 1 before it is dropped: it would be
  // deleted), then orders (untouched by the truncate), then customers again with id 2.
  BOOST_CHECK_EQUAL(batches[0].collection, "customers");
  BOOST_REQUIRE_EQUAL(batches[0].ops.size(), 1u);
  BOOST_CHECK_EQUAL(batches[0].ops[0].to_json(), kDeleteMany);
  BOOST_CHECK_EQUAL(batches[0].ops[0].event, 2u);
  BOOST_CHECK_EQUAL(batches[1].collection, "orders");
  BOOST_CHECK_EQUAL(batches[1].ops.size(), 2u);
  BOOST_CHECK_EQUAL(batches[2].collection, "customers");
  BOOST_REQUIRE_EQUAL(batches[2].ops.size(), 1u);
  BOOST_CHECK(batches[2].ops[0].to_json().find("\"Bob\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(sink_runs_delete_many_before_later_writes) {
  std::shared_ptr<Parsed> keep;
  MongoOptions o = options(kBase, keep);
  std::vector<ScriptedExecutor::Call> calls;
  std::deque<ScriptedExecutor::Answer> answers;
  auto ex = std::make_unique<ScriptedExecutor>();
  ex->calls = &calls;
  ex->answers = &answers;
  MongoSink sink(std::move(o), std::move(ex));
  BOOST_REQUIRE(sink.open("").ok());
  auto customers = meta("customers", {"id"});
  std::vector<Event> evs;
  evs.push_back(truncate_of(customers));
  evs.push_back(ev(Op::Create, obj(R"({"id": 2, "name": "Bob"})"), customers));
  evs.push_back(truncate_of(customers));
  evs.push_back(ev(Op::Create, obj(R"({"id": 3, "name": "Cy"})"), customers));
  std::vector<Event> dead;
  BOOST_REQUIRE(sink.write(evs, dead).ok());
  BOOST_REQUIRE(sink.checkpoint(1).ok());
  BOOST_CHECK(dead.empty());
  // Bob is written and then truncated away in the same flush: dropped; Cy comes after.
  BOOST_REQUIRE_EQUAL(calls.size(), 3u);
  BOOST_CHECK_EQUAL(calls[0].ops.at(0), kDeleteMany);
  BOOST_CHECK(calls[1].ops.empty() || calls[1].ops.at(0) == kDeleteMany);
  BOOST_CHECK(calls.back().ops.at(0).find("\"Cy\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(append_mode_records_the_truncate) {
  std::shared_ptr<Parsed> keep;
  MongoOptions o = options(std::string(kBase) + "mode = append\n", keep);
  BulkPlanner p(o);
  std::vector<Event> evs{truncate_of(meta("customers", {"id"}))};
  std::vector<Event> dead;
  auto ops = plan_json(p, evs, dead);
  BOOST_REQUIRE_EQUAL(ops.size(), 1u);
  BOOST_CHECK_MESSAGE(ops[0].find("\"insertOne\"") != std::string::npos &&
                          ops[0].find(R"("cdc_operation" : "t")") != std::string::npos,
                      ops[0]);
}

BOOST_AUTO_TEST_SUITE_END()
