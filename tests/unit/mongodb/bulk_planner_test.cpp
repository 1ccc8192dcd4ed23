// The exact bulk operations the sink sends for each event kind (issue 6 item 5), compared as
// canonical extended JSON, with no server: c/r/u/d in upsert (replace and $set) and append
// mode, _id from single and composite keys, collapsing within a flush, collections per
// record, and records that cannot be written.
#include <boost/test/unit_test.hpp>
#include <cstdio>

#include "mongo_test_util.h"

using namespace mongotest;

namespace {

const char* kId1 = R"({ "_id" : { "$numberLong" : "1" } })";

std::string replace1(const std::string& fields) {
  return std::string(R"(customers: { "replaceOne" : { "filter" : )") + kId1 +
         R"(, "replacement" : { "_id" : { "$numberLong" : "1" }, )" + fields +
         R"( }, "upsert" : true } })";
}

Object customer(const char* name) {
  return obj(std::string(R"({"id": 1, "name": ")") + name +
             R"(", "balance": 10.50, "address": {"city": "Bern", "lines": ["a", "b"]}})");
}

const char* kCustomerFields =
    R"("id" : { "$numberLong" : "1" }, "name" : "%s", "balance" : { "$numberDecimal" : )"
    R"("10.50" }, "address" : { "city" : "Bern", "lines" : [ "a", "b" ] })";

std::string fields(const char* name) {
  char buf[512];
  std::snprintf(buf, sizeof buf, kCustomerFields, name);
  return buf;
}

Value dec_value() { return Value::decimal(*Decimal::parse("2.50")); }

}  // namespace

BOOST_AUTO_TEST_SUITE(mongodb_bulk_planner)

BOOST_AUTO_TEST_CASE(create_read_update_are_replace_one_upserts_delete_is_delete_one) {
  std::shared_ptr<Parsed> keep;
  MongoOptions o = options(kBase, keep);
  BulkPlanner p(o);
  auto m = meta("customers", {"id"});
  for (Op op : {Op::Create, Op::Read, Op::Update}) {
    std::vector<Event> evs{ev(op, customer("Ada"), m)};
    std::vector<Event> dead;
    auto ops = plan_json(p, evs, dead);
    BOOST_TEST(dead.empty());
    BOOST_REQUIRE_EQUAL(ops.size(), 1u);
    BOOST_TEST(ops[0] == replace1(fields("Ada")));
  }
  std::vector<Event> evs{ev(Op::Delete, customer("Ada"), m)};
  std::vector<Event> dead;
  auto ops = plan_json(p, evs, dead);
  BOOST_REQUIRE_EQUAL(ops.size(), 1u);
  BOOST_TEST(ops[0] == std::string(R"(customers: { "deleteOne" : { "filter" : )") + kId1 + " } }");
}

BOOST_AUTO_TEST_CASE(update_set_uses_dollar_set) {
  std::shared_ptr<Parsed> keep;
  MongoOptions o = options(std::string(kBase) + "update = set", keep);
  BulkPlanner p(o);
  std::vector<Event> evs{ev(Op::Update, customer("Ada"), meta("customers", {"id"}))};
  std::vector<Event> dead;
  auto ops = plan_json(p, evs, dead);
  BOOST_REQUIRE_EQUAL(ops.size(), 1u);
  BOOST_TEST(ops[0] == std::string(R"(customers: { "updateOne" : { "filter" : )") + kId1 +
                           R"(, "update" : { "$set" : { )" + fields("Ada") +
                           R"( } }, "upsert" : true } })");
}

BOOST_AUTO_TEST_CASE(append_inserts_every_event_with_cdc_fields) {
  std::shared_ptr<Parsed> keep;
  MongoOptions o = options(std::string(kBase) + "mode = append", keep);
  BulkPlanner p(o);
  auto m = meta("customers", {"id"});
  std::vector<Event> evs{ev(Op::Create, obj(R"({"id": 1})"), m, 7),
                         ev(Op::Delete, obj(R"({"id": 1})"), m, 8)};
  std::vector<Event> dead;
  auto ops = plan_json(p, evs, dead);
  BOOST_REQUIRE_EQUAL(ops.size(), 2u);
  const char* fmt =
      R"(customers: { "insertOne" : { "document" : { "id" : { "$numberLong" : "1" }, )"
      R"("cdc_operation" : "%s", "cdc_timestamp" : { "$date" : { "$numberLong" : )"
      R"("1709214359123" } }, "cdc_position" : "%d" } } })";
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, "c", 7);
  BOOST_TEST(ops[0] == buf);
  std::snprintf(buf, sizeof buf, fmt, "d", 8);
  BOOST_TEST(ops[1] == buf);
}

BOOST_AUTO_TEST_CASE(composite_keys_make_an_id_subdocument) {
  std::shared_ptr<Parsed> keep;
  MongoOptions o = options(kBase, keep);
  BulkPlanner p(o);
  // From the source primary key.
  std::vector<Event> evs{
      ev(Op::Delete, obj(R"({"bank": "CH", "no": 42, "x": 1})"), meta("accounts", {"bank", "no"}))};
  std::vector<Event> dead;
  auto ops = plan_json(p, evs, dead);
  BOOST_REQUIRE_EQUAL(ops.size(), 1u);
  BOOST_TEST(ops[0] == R"(accounts: { "deleteOne" : { "filter" : { "_id" : { "bank" : "CH", )"
                       R"("no" : { "$numberLong" : "42" } } } } })");
  // From the `key` option (dotted paths: the last segment names the part).
  MongoOptions o2 = options(std::string(kBase) + R"(key = ["owner.id", "no"])", keep);
  BulkPlanner p2(o2);
  std::vector<Event> evs2{
      ev(Op::Update, obj(R"({"owner": {"id": 5}, "no": 42})"), meta("accounts", {"bank", "no"}))};
  ops = plan_json(p2, evs2, dead);
  BOOST_REQUIRE_EQUAL(ops.size(), 1u);
  BOOST_TEST(
      ops[0] ==
      R"(accounts: { "replaceOne" : { "filter" : { "_id" : { "id" : { "$numberLong" : )"
      R"("5" }, "no" : { "$numberLong" : "42" } } }, "replacement" : { "_id" : { "id" : )"
      R"({ "$numberLong" : "5" }, "no" : { "$numberLong" : "42" } }, "owner" : { "id" : )"
      R"({ "$numberLong" : "5" } }, "no" : { "$numberLong" : "42" } }, "upsert" : true } })");
  // From a record key (a `key a, b` statement): parts named by position when the names are
  // not known.
  Event e = ev(Op::Delete, obj(R"({"a": 1})"), meta("t", {}));
  e.key = Value::list({Value::string("x"), dec_value()});
  std::vector<Event> evs3{e};
  ops = plan_json(p, evs3, dead);
  BOOST_REQUIRE_EQUAL(ops.size(), 1u);
  BOOST_TEST(ops[0] == R"(t: { "deleteOne" : { "filter" : { "_id" : { "0" : "x", "1" : )"
                       R"({ "$numberDecimal" : "2.50" } } } } })");
  // A single record key is the _id as it is (here a decimal group key).
  e.key = dec_value();
  std::vector<Event> evs4{e};
  ops = plan_json(p, evs4, dead);
  BOOST_REQUIRE_EQUAL(ops.size(), 1u);
  BOOST_TEST(ops[0] == R"(t: { "deleteOne" : { "filter" : { "_id" : { "$numberDecimal" : )"
                       R"("2.50" } } } })");
  BOOST_TEST(dead.empty());
}

BOOST_AUTO_TEST_CASE(last_event_per_id_wins_within_a_flush) {
  std::shared_ptr<Parsed> keep;
  MongoOptions o = options(kBase, keep);
  BulkPlanner p(o);
  auto m = meta("customers", {"id"});
  std::vector<Event> evs{ev(Op::Create, customer("A"), m), ev(Op::Update, customer("B"), m),
                         ev(Op::Create, obj(R"({"id": 2})"), m), ev(Op::Update, customer("C"), m)};
  std::vector<Event> dead;
  auto ops = plan_json(p, evs, dead);
  BOOST_REQUIRE_EQUAL(ops.size(), 2u);
  BOOST_TEST(ops[0] == replace1(fields("C")));
  evs.push_back(ev(Op::Delete, customer("C"), m));
  ops = plan_json(p, evs, dead);
  BOOST_REQUIRE_EQUAL(ops.size(), 2u);
  BOOST_TEST(ops[0] == std::string(R"(customers: { "deleteOne" : { "filter" : )") + kId1 + " } }");
  // update = set: an upsert after a delete of the same _id must replace (no stale fields).
  MongoOptions os = options(std::string(kBase) + "update = set", keep);
  BulkPlanner ps(os);
  std::vector<Event> evs2{ev(Op::Update, customer("A"), m), ev(Op::Delete, customer("A"), m),
                          ev(Op::Create, customer("D"), m)};
  ops = plan_json(ps, evs2, dead);
  BOOST_REQUIRE_EQUAL(ops.size(), 1u);
  BOOST_TEST(ops[0] == replace1(fields("D")));
  BOOST_TEST(dead.empty());
}

BOOST_AUTO_TEST_CASE(collection_per_record) {
  std::shared_ptr<Parsed> keep;
  MongoOptions o = options(std::string(kBase) + R"(collection = "t_" + @table)", keep);
  BulkPlanner p(o);
  std::vector<Event> evs{ev(Op::Delete, obj(R"({"id": 1})"), meta("customers", {"id"})),
                         ev(Op::Delete, obj(R"({"id": 1})"), meta("accounts", {"id"})),
                         ev(Op::Delete, obj(R"({"id": 2})"), meta("customers", {"id"}))};
  std::vector<Event> dead;
  std::vector<const Event*> ptrs{&evs[0], &evs[1], &evs[2]};
  auto batches = p.plan(ptrs, dead);
  BOOST_REQUIRE_EQUAL(batches.size(), 2u);
  BOOST_TEST(batches[0].collection == "t_customers");
  BOOST_TEST(batches[0].ops.size() == 2u);
  BOOST_TEST(batches[0].ops[1].event == 2u);
  BOOST_TEST(batches[1].collection == "t_accounts");
}

BOOST_AUTO_TEST_CASE(records_that_cannot_be_written_are_dead_letters) {
  std::shared_ptr<Parsed> keep;
  MongoOptions o = options(kBase, keep);
  BulkPlanner p(o);
  auto m = meta("customers", {"id"});
  std::vector<Event> evs{
      ev(Op::Create, obj(R"({"name": "no id"})"), m),
      ev(Op::Create, obj(R"({"id": 3, "x": 1234567890123456789012345678901234.5})"), m),
      ev(Op::Create, obj(R"({"id": 4})"), m),
      ev(Op::Create,
         obj(R"({"id": 5, "d": -99999999999999999999999999999999999.999999999999999999999999999999})"),
         m)};
  std::vector<Event> dead;
  auto ops = plan_json(p, evs, dead);
  BOOST_REQUIRE_EQUAL(ops.size(), 1u);
  BOOST_REQUIRE_EQUAL(dead.size(), 3u);
  // A DECIMAL(65,30) value: a dead letter saying it does not fit Decimal128, not rounded.
  BOOST_TEST(dead[2].dead_letter->message.find("65 significant digits and does not fit "
                                               "Decimal128") != std::string::npos);
  BOOST_REQUIRE(dead[0].dead_letter);
  BOOST_TEST(dead[0].dead_letter->kind() == "write");
  BOOST_TEST(dead[0].dead_letter->code.qualified() == "mongodb.no_key");
  BOOST_TEST(dead[2].dead_letter->code.qualified() == "mongodb.encode");
  BOOST_TEST(dead[0].dead_letter->stage == "s");
  BOOST_TEST(dead[0].dead_letter->message.find("key field id is missing") != std::string::npos);
  BOOST_TEST(dead[1].dead_letter->message.find("35 significant digits") != std::string::npos);
  // No source table and no collection option: a dead letter, not a crash.
  Event e;
  e.row = obj(R"({"_id": 1})");
  std::vector<Event> evs2{e};
  dead.clear();
  ops = plan_json(p, evs2, dead);
  BOOST_TEST(ops.empty());
  BOOST_REQUIRE_EQUAL(dead.size(), 1u);
  // The sink cannot name the collection: a refusal of its own (kind "write").
  BOOST_TEST(dead[0].dead_letter->code.qualified() == "mongodb.bad_collection");
  BOOST_TEST(dead[0].dead_letter->kind() == "write");
}

BOOST_AUTO_TEST_SUITE_END()

// issue 15: a table without a key. Every change is one ordered operation matched by the whole
// before image (like PostgreSQL's REPLICA IDENTITY FULL); identical rows stay separate.
BOOST_AUTO_TEST_SUITE(mongodb_bulk_planner_keyless)

BOOST_AUTO_TEST_CASE(keyless_changes_are_ordered_and_matched_by_the_before_image) {
  std::shared_ptr<Parsed> keep;
  MongoOptions o = options(kBase, keep);
  BulkPlanner p(o);
  auto m = meta("audit", {});
  std::const_pointer_cast<SourceMeta>(m)->column_names = {"who", "what"};
  auto row = [](const char* who, const char* what) {
    return obj(std::string(R"({"who": ")") + who + R"(", "what": ")" + what + R"("})");
  };
  std::vector<Event> evs;
  evs.push_back(ev(Op::Read, row("ada", "login"), m, 1));
  evs.push_back(ev(Op::Create, row("ada", "login"), m, 2));
  Event u = ev(Op::Update, row("ada", "logout"), m, 3);
  u.before = row("ada", "login");
  u.has_before = true;
  evs.push_back(u);
  evs.push_back(ev(Op::Delete, row("ada", "login"), m, 4));
  Event no_before = ev(Op::Update, row("bob", "x"), m, 5);
  evs.push_back(no_before);
  std::vector<Event> dead;
  std::vector<const Event*> ptrs;
  for (const auto& e : evs) ptrs.push_back(&e);
  auto batches = p.plan(ptrs, dead);
  BOOST_REQUIRE_EQUAL(batches.size(), 1u);
  BOOST_TEST(batches[0].ordered);
  auto ops = plan_json(p, evs, dead);
  const std::string login = R"({ "who" : "ada", "what" : "login" })";
  BOOST_REQUIRE_EQUAL(ops.size(), 4u);
  BOOST_TEST(ops[0] == "audit: { \"insertOne\" : { \"document\" : " + login + " } }");
  BOOST_TEST(ops[1] == ops[0]);
  BOOST_TEST(ops[2] == "audit: { \"replaceOne\" : { \"filter\" : " + login +
                           R"(, "replacement" : { "who" : "ada", "what" : "logout" }, )"
                           R"("upsert" : false } })");
  BOOST_TEST(ops[3] == "audit: { \"deleteOne\" : { \"filter\" : " + login + " } }");
  BOOST_REQUIRE_EQUAL(dead.size(), 2u);  // the update without a before image, in each plan
  BOOST_TEST(dead[0].dead_letter->message.find("before image") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
