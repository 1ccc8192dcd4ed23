// Tests against a real MongoDB server. They run only when SLUICE_TEST_MONGODB_URI is set, e.g.
//   SLUICE_TEST_MONGODB_URI="mongodb://127.0.0.1:27017" ./test_mongodb
//   SLUICE_TEST_MONGODB_URI="mongodb+srv://user:pw@cluster0.xxxxx.mongodb.net/" ./test_mongodb
// and are reported as skipped otherwise (docs/mongodb.md "Tests"). They use database
// "sluice_test" and drop the collections they create.
#include <mongoc/mongoc.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <set>

#include "base/temporal.h"
#include "mongo_test_util.h"
#include "operators/mongodb/mongoc_executor.h"
#include "operators/mongodb/mongodb_sink.h"

using namespace mongotest;
namespace utf = boost::unit_test;

namespace {

const char* test_uri() { return std::getenv("SLUICE_TEST_MONGODB_URI"); }

// Real-server tests run only when SLUICE_TEST_MONGODB_URI is set; otherwise each case says so
// in the log and returns. (A runtime check, not a precondition decorator: GCC 12 -O3 reports a
// false -Wuninitialized inside boost::function for decorators.)
bool has_server() {
  if (test_uri() != nullptr && *test_uri() != '\0') return true;
  BOOST_TEST_MESSAGE("SLUICE_TEST_MONGODB_URI is not set: real-server test skipped");
  return false;
}

std::string unique_name(const char* base) {
  return std::string(base) + "_" + std::to_string(::getpid()) + "_" +
         std::to_string(temporal::now_micros() % 1000000);
}

std::unique_ptr<MongoSink> make_sink(const std::string& collection, std::shared_ptr<Parsed>& k) {
  setenv("SLUICE_T_URI", test_uri(), 1);
  MongoOptions o = options(
      "uri = env(\"SLUICE_T_URI\")\n database = \"sluice_test\"\n"
      "collection = \"" +
          collection + "\"\n batch { rows = 1 }",
      k);
  auto ex = MongocExecutor::create(o);
  BOOST_REQUIRE_MESSAGE(ex.ok(), (ex.ok() ? std::string() : ex.err().message));
  auto s = std::make_unique<MongoSink>(std::move(o), std::move(ex.value()));
  BOOST_REQUIRE(s->open("").ok());
  return s;
}

// Runs `fn` with a collection handle of a separate client.
struct Reader {
  mongoc_client_t* client;
  mongoc_collection_t* coll;
  explicit Reader(const std::string& name) {
    ensure_mongoc_init();
    client = mongoc_client_new(test_uri());
    coll = mongoc_client_get_collection(client, "sluice_test", name.c_str());
  }
  ~Reader() {
    mongoc_collection_drop(coll, nullptr);
    mongoc_collection_destroy(coll);
    mongoc_client_destroy(client);
  }
  std::vector<std::string> all() {
    bson_t filter = BSON_INITIALIZER;
    bson_t opts = BSON_INITIALIZER;
    bson_t sort;
    BSON_APPEND_DOCUMENT_BEGIN(&opts, "sort", &sort);
    BSON_APPEND_INT32(&sort, "_id", 1);
    bson_append_document_end(&opts, &sort);
    mongoc_cursor_t* c = mongoc_collection_find_with_opts(coll, &filter, &opts, nullptr);
    const bson_t* doc;
    std::vector<std::string> out;
    while (mongoc_cursor_next(c, &doc)) out.push_back(BsonDoc(bson_copy(doc)).canonical_json());
    mongoc_cursor_destroy(c);
    bson_destroy(&filter);
    bson_destroy(&opts);
    return out;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(mongodb_server)

BOOST_AUTO_TEST_CASE(upserts_and_deletes_round_trip_exactly) {
  if (!has_server()) return;
  std::shared_ptr<Parsed> keep;
  std::string name = unique_name("roundtrip");
  Reader reader(name);
  auto sink = make_sink(name, keep);
  auto m = meta("accounts", {"id"});
  std::vector<Event> evs{
      ev(Op::Create, obj(R"({"id": 1, "balance": 1234567890123456.78, "tags": ["a", {"b": 1}]})"),
         m),
      ev(Op::Create, obj(R"({"id": 2, "balance": 0.10})"), m),
      ev(Op::Create, obj(R"({"id": 3, "balance": 5.00})"), m)};
  std::vector<Event> dead;
  auto r = sink->write(evs, dead);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
  std::vector<Event> more{ev(Op::Update, obj(R"({"id": 2, "balance": -0.01})"), m),
                          ev(Op::Delete, obj(R"({"id": 3})"), m)};
  r = sink->write(more, dead);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
  BOOST_TEST(dead.empty());
  auto docs = reader.all();
  BOOST_REQUIRE_EQUAL(docs.size(), 2u);
  BOOST_TEST(docs[0] ==
             R"({ "_id" : { "$numberLong" : "1" }, "id" : { "$numberLong" : "1" }, "balance" : )"
             R"({ "$numberDecimal" : "1234567890123456.78" }, "tags" : [ "a", { "b" : )"
             R"({ "$numberLong" : "1" } } ] })");
  BOOST_TEST(docs[1] ==
             R"({ "_id" : { "$numberLong" : "2" }, "id" : { "$numberLong" : "2" }, "balance" : )"
             R"({ "$numberDecimal" : "-0.01" } })");
}

// issue 15: a table without a key, applied in order by the whole before image.
BOOST_AUTO_TEST_CASE(keyless_rows_are_matched_by_their_before_image) {
  if (!has_server()) return;
  std::shared_ptr<Parsed> keep;
  std::string name = unique_name("keyless");
  Reader reader(name);
  auto sink = make_sink(name, keep);
  auto m = meta("audit", {});
  std::const_pointer_cast<SourceMeta>(m)->column_names = {"who", "what"};
  const char* login = R"({"who": "ada", "what": "login"})";
  Event u = ev(Op::Update, obj(R"({"who": "ada", "what": "logout"})"), m);
  u.before = obj(login);
  u.has_before = true;
  std::vector<Event> evs{ev(Op::Create, obj(login), m), ev(Op::Create, obj(login), m), u,
                         ev(Op::Create, obj(R"({"who": "bob", "what": null})"), m),
                         ev(Op::Delete, obj(R"({"who": "bob", "what": null})"), m)};
  std::vector<Event> dead;
  auto r = sink->write(evs, dead);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
  BOOST_TEST(dead.empty());
  std::multiset<std::string> whats;
  for (const auto& d : reader.all()) {
    whats.insert(d.substr(d.find("\"what\"")));
  }
  BOOST_TEST(whats.size() == 2u);
  BOOST_TEST(whats.count(R"("what" : "login" })") == 1u);
  BOOST_TEST(whats.count(R"("what" : "logout" })") == 1u);
}

BOOST_AUTO_TEST_CASE(validation_errors_are_dead_letters_with_code_121) {
  if (!has_server()) return;
  std::shared_ptr<Parsed> keep;
  std::string name = unique_name("validated");
  Reader reader(name);
  bson_error_t err;
  mongoc_database_t* db = mongoc_client_get_database(reader.client, "sluice_test");
  BsonDoc opts = BsonDoc::from_json(
      R"({"validator": {"$jsonSchema": {"bsonType": "object", "required": ["name"]}}})");
  mongoc_collection_t* c = mongoc_database_create_collection(db, name.c_str(), opts.get(), &err);
  BOOST_REQUIRE_MESSAGE(c != nullptr, err.message);
  mongoc_collection_destroy(c);
  mongoc_database_destroy(db);
  auto sink = make_sink(name, keep);
  auto m = meta("t", {"id"});
  std::vector<Event> evs{ev(Op::Create, obj(R"({"id": 1, "name": "a"})"), m),
                         ev(Op::Create, obj(R"({"id": 2})"), m),
                         ev(Op::Create, obj(R"({"id": 3, "name": "c"})"), m)};
  std::vector<Event> dead;
  auto r = sink->write(evs, dead);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
  BOOST_REQUIRE_EQUAL(dead.size(), 1u);
  BOOST_TEST(dead[0].row.find(intern("id"))->as_int() == 2);
  BOOST_TEST(dead[0].dead_letter->message.find("code 121") != std::string::npos);
  BOOST_TEST(reader.all().size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
