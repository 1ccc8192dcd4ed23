// The sink's handling of bulk-write outcomes (with a scripted executor: replies built by
// hand) and, with libmongoc and no server, a transient error at once; secrets never leak.
#include "operators/mongodb/mongodb_sink.h"

#include <mongoc/mongoc.h>

#include <boost/test/unit_test.hpp>
#include <chrono>

#include "base/secrets.h"
#include "mongo_test_util.h"
#include "operators/mongodb/mongoc_executor.h"

using namespace mongotest;

namespace {

struct Harness {
  std::shared_ptr<Parsed> keep;
  std::vector<ScriptedExecutor::Call> calls;
  std::deque<ScriptedExecutor::Answer> answers;
  ScriptedExecutor* exec = nullptr;
  std::unique_ptr<MongoSink> sink;

  explicit Harness(const std::string& extra = "batch { rows = 1 }") {
    auto ex = std::make_unique<ScriptedExecutor>();
    ex->calls = &calls;
    ex->answers = &answers;
    exec = ex.get();
    sink = std::make_unique<MongoSink>(options(std::string(kBase) + extra, keep), std::move(ex));
    BOOST_REQUIRE(sink->open("").ok());
  }
};

std::vector<Event> customers(int n) {
  auto m = meta("customers", {"id"});
  std::vector<Event> evs;
  for (int i = 0; i < n; ++i) {
    evs.push_back(ev(Op::Create,
                     obj("{\"id\": " + std::to_string(i) + ", \"name\": \"" +
                         (i % 4 == 3 ? "bad" : "ok") + "\"}"),
                     m, i));
  }
  return evs;
}

int64_t id_of(const Event& e) { return e.row.find(intern("id"))->as_int(); }

StageConfig config(const std::string& uri) {
  StageConfig c;
  c.pipeline = "p";
  c.name = "atlas";
  c.kind = "mongodb";
  c.options.set(intern("uri"), Value::string(uri));
  c.options.set(intern("database"), Value::string("bank"));
  Object batch;
  batch.set(intern("rows"), Value::int64(1));
  c.options.set(intern("batch"), Value::object(std::move(batch)));
  return c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mongodb_sink)

BOOST_AUTO_TEST_CASE(rejected_documents_go_to_dead_letters_by_index) {
  Harness h;
  h.answers.push_back([](const std::vector<const WriteOp*>& ops) {
    return ScriptedExecutor::failed(ops, MONGOC_ERROR_SERVER, 121, "Document failed validation",
                                    R"({"nUpserted": 3, "writeErrors": [
            {"index": 1, "code": 121, "errmsg": "Document failed validation"},
            {"index": 3, "code": 121, "errmsg": "Document failed validation"}]})");
  });
  auto evs = customers(5);
  std::vector<Event> dead;
  auto r = h.sink->write(evs, dead);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
  BOOST_REQUIRE_EQUAL(h.calls.size(), 1u);
  BOOST_TEST(h.calls[0].collection == "customers");
  BOOST_TEST(h.calls[0].ops.size() == 5u);
  BOOST_REQUIRE_EQUAL(dead.size(), 2u);
  BOOST_TEST(id_of(dead[0]) == 1);
  BOOST_TEST(id_of(dead[1]) == 3);
  BOOST_REQUIRE(dead[0].dead_letter);
  BOOST_TEST(dead[0].dead_letter->kind() == "write");
  BOOST_TEST(dead[0].dead_letter->message ==
             "mongodb: code 121 (DocumentValidationFailure): Document failed validation");
  BOOST_TEST(h.sink->stats().ops == 3u);
  BOOST_TEST(h.sink->stats().dead == 2u);
}

BOOST_AUTO_TEST_CASE(a_command_refused_for_its_content_is_split_to_the_bad_documents) {
  Harness h;
  // The server refuses any bulk that holds a "bad" document as a whole (no index).
  h.exec->fallback = [](const std::vector<const WriteOp*>& ops) {
    for (const auto* op : ops) {
      if (op->to_json().find("\"bad\"") != std::string::npos) {
        return ScriptedExecutor::failed(ops, MONGOC_ERROR_SERVER, 10334,
                                        "BSONObj size: 17000000 is invalid", "{}");
      }
    }
    return ScriptedExecutor::ok(ops);
  };
  auto evs = customers(16);  // ids 3, 7, 11, 15 are bad
  std::vector<Event> dead;
  auto r = h.sink->write(evs, dead);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
  BOOST_REQUIRE_EQUAL(dead.size(), 4u);
  std::vector<int64_t> ids;
  for (const auto& d : dead) ids.push_back(id_of(d));
  BOOST_TEST(ids == (std::vector<int64_t>{3, 7, 11, 15}), boost::test_tools::per_element());
  BOOST_TEST(dead[0].dead_letter->message.find("code 10334 (BSONObjectTooLarge)") !=
             std::string::npos);
  BOOST_TEST(h.sink->stats().ops == 12u);
  BOOST_TEST(h.sink->stats().split_attempts > 4u);
}

BOOST_AUTO_TEST_CASE(transient_errors_take_nothing_and_the_retry_writes_all) {
  Harness h;
  h.answers.push_back([](const std::vector<const WriteOp*>& ops) {
    return ScriptedExecutor::failed(ops, MONGOC_ERROR_SERVER, 10107, "not primary",
                                    R"({"ok": 0, "code": 10107})");
  });
  auto evs = customers(3);
  std::vector<Event> dead;
  auto r = h.sink->write(evs, dead);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.err().kind == failure_kind::transient));
  BOOST_TEST(r.err().message.find("code 10107 (NotWritablePrimary)") != std::string::npos);
  BOOST_TEST(dead.empty());
  r = h.sink->write(evs, dead);  // the engine retries the same call
  BOOST_REQUIRE(r.ok());
  BOOST_REQUIRE_EQUAL(h.calls.size(), 2u);
  BOOST_TEST(h.calls[1].ops == h.calls[0].ops, boost::test_tools::per_element());
  BOOST_TEST(h.sink->stats().ops == 3u);
}

BOOST_AUTO_TEST_CASE(ops_the_driver_refuses_are_dead_letters) {
  Harness h;
  h.answers.push_back([](const std::vector<const WriteOp*>& ops) {
    BulkOutcome o;
    o.sent = {0, 2};
    o.rejected = {{1, "invalid document for insert: keys cannot contain \".\""}};
    (void)ops;
    return o;
  });
  auto evs = customers(3);
  std::vector<Event> dead;
  BOOST_REQUIRE(h.sink->write(evs, dead).ok());
  BOOST_REQUIRE_EQUAL(dead.size(), 1u);
  BOOST_TEST(id_of(dead[0]) == 1);
  BOOST_TEST(dead[0].dead_letter->message.find("refused by libmongoc") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(events_are_buffered_until_rows_or_checkpoint) {
  Harness h("batch { rows = 10  delay = 1h }");
  auto evs = customers(4);
  std::vector<Event> dead;
  BOOST_REQUIRE(h.sink->write(evs, dead).ok());
  BOOST_TEST(h.calls.empty());
  auto more = customers(8);  // ids 0..7: 0..3 collapse onto the buffered ones
  BOOST_REQUIRE(h.sink->write(more, dead).ok());
  BOOST_REQUIRE_EQUAL(h.calls.size(), 1u);
  BOOST_TEST(h.calls[0].ops.size() == 8u);
  auto last = customers(2);
  BOOST_REQUIRE(h.sink->write(last, dead).ok());
  BOOST_TEST(h.calls.size() == 1u);
  auto c = h.sink->checkpoint(1);
  BOOST_REQUIRE(c.ok());
  BOOST_REQUIRE_EQUAL(h.calls.size(), 2u);
  BOOST_TEST(h.calls[1].ops.size() == 2u);
}

// issue 19: when the engine says the input caught up, the buffer is written (adaptive, the
// default); adaptive = false keeps it until rows, delay or the checkpoint.
BOOST_AUTO_TEST_CASE(idle_writes_the_buffer_when_adaptive) {
  for (bool adaptive : {true, false}) {
    Harness h(std::string("batch { rows = 10  delay = 1h  adaptive = ") +
              (adaptive ? "true" : "false") + " }");
    auto evs = customers(3);
    std::vector<Event> dead;
    BOOST_REQUIRE(h.sink->write(evs, dead).ok());
    BOOST_TEST(h.calls.empty());
    BOOST_REQUIRE(h.sink->idle(dead).ok());
    BOOST_TEST(dead.empty());
    BOOST_REQUIRE_EQUAL(h.calls.size(), adaptive ? 1u : 0u);
    if (adaptive) BOOST_TEST(h.calls[0].ops.size() == 3u);
    BOOST_REQUIRE(h.sink->idle(dead).ok());  // nothing buffered: no bulk write
    BOOST_TEST(h.calls.size() == (adaptive ? 1u : 0u));
    BOOST_REQUIRE(h.sink->checkpoint(1).ok());
    BOOST_TEST(h.calls.size() == 1u);
  }
}

BOOST_AUTO_TEST_CASE(with_no_server_a_write_is_transient_at_once) {
  auto s = MongoSink::make(config(
      "mongodb://sluice:n0tInLogs@127.0.0.1:1/?serverSelectionTimeoutMS=500&connectTimeoutMS=500"));
  BOOST_REQUIRE_MESSAGE(s.ok(), (s.ok() ? std::string() : s.err().message));
  BOOST_REQUIRE(s.value()->open("").ok());
  auto evs = customers(2);
  std::vector<Event> dead;
  auto t0 = std::chrono::steady_clock::now();
  auto r = s.value()->write(evs, dead);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.err().kind == failure_kind::transient));
  BOOST_TEST_MESSAGE("no-server error after " << secs << " s: " << r.err().message);
  BOOST_TEST(r.err().message.find("No suitable servers found") != std::string::npos);
  BOOST_TEST(r.err().message.find("n0tInLogs") == std::string::npos);
  BOOST_TEST(secs < 3.0);
  BOOST_TEST(dead.empty());
  // The checkpoint cannot complete either (nothing is buffered: rows = 1 flushed at once).
  BOOST_TEST(secrets::redact("x n0tInLogs y") == "x *** y");
}

BOOST_AUTO_TEST_CASE(atlas_uris_are_accepted_and_their_secrets_registered) {
  auto s = MongoSink::make(config(
      "mongodb+srv://app:Atl%40sPw1@cluster0.example.mongodb.net/?retryWrites=true&w=majority"
      "&tls=true&tlsCertificateKeyFilePassword=k3yPass&appName=Cluster0"));
  BOOST_REQUIRE_MESSAGE(s.ok(), (s.ok() ? std::string() : s.err().message));
  BOOST_TEST(secrets::redact("Atl%40sPw1") == "***");
  BOOST_TEST(secrets::redact("Atl@sPw1") == "***");
  BOOST_TEST(secrets::redact("k3yPass") == "***");
  // A malformed URI: a fatal error that does not show the password.
  auto bad = MongoSink::make(config("mongodb://u:Pw0nly4Me@/nohost"));
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST((bad.err().kind == failure_kind::fatal));
  BOOST_TEST(bad.err().message.find("Pw0nly4Me") == std::string::npos);
  BOOST_TEST_MESSAGE(bad.err().message);
}

BOOST_AUTO_TEST_CASE(write_concern_options_reach_the_bulk_write) {
  std::shared_ptr<Parsed> keep;
  auto o = options(
      std::string(kBase) + R"(write_concern { w = "majority"  journal = true  timeout = 5s })",
      keep);
  auto ex = MongocExecutor::create(o);
  BOOST_REQUIRE(ex.ok());
  BOOST_TEST(ex.value()->bulk_options_json() ==
             R"({ "ordered" : false, "writeConcern" : { "w" : "majority", "j" : true, )"
             R"("wtimeout" : { "$numberLong" : "5000" } } })");
  auto o2 = options(std::string(kBase) + "write_concern { w = 2 }", keep);
  auto ex2 = MongocExecutor::create(o2);
  BOOST_REQUIRE(ex2.ok());
  BOOST_TEST(ex2.value()->bulk_options_json() ==
             R"({ "ordered" : false, "writeConcern" : { "w" : { "$numberInt" : "2" } } })");
}

BOOST_AUTO_TEST_SUITE_END()
