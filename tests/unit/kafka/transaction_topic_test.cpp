// The transaction metadata of `sink kafka` (transaction_topic.h): BEGIN before a transaction's
// first change, END with its counts after the change the source marked last, a retried write
// without a second BEGIN, an unfinished transaction ended when the next one begins.
#include "operators/kafka/transaction_topic.h"

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "base/json.h"

// A named namespace (the test cases too): test files are compiled in unity batches.
namespace transaction_topic_test {

using namespace sluice;
using operators::kafka::TransactionTopic;

Event change(const std::string& table, const std::string& gtid, bool last) {
  auto meta = std::make_shared<SourceMeta>();
  meta->connector = "mysql";
  meta->db = "db";
  meta->table = table;
  auto origin = std::make_shared<LogOrigin>();
  origin->file = "bin.000001";
  origin->gtid = gtid;
  Event e;
  e.source = meta;
  e.origin = origin;
  e.ts = 5000000;
  e.txn_last = last;
  return e;
}

std::string payload_of(const TransactionTopic::Message& m) {
  auto v = json::parse(m.value);
  BOOST_REQUIRE(v.ok());
  return json::encode(*v);
}

BOOST_AUTO_TEST_SUITE(transaction_topic)

BOOST_AUTO_TEST_CASE(begin_counts_end_and_retries) {
  TransactionTopic t;
  std::vector<TransactionTopic::Message> out;
  operators::debezium::TxBlock b;
  Event a1 = change("a", "0-1-7", false), b1 = change("b", "0-1-7", false),
        a2 = change("a", "0-1-7", true);
  BOOST_REQUIRE(t.before(a1, false, out, b));
  BOOST_REQUIRE_EQUAL(out.size(), 1u);
  BOOST_CHECK_EQUAL(out[0].key, R"({"id":"0-1-7"})");
  BOOST_CHECK_EQUAL(payload_of(out[0]), R"({"status":"BEGIN","id":"0-1-7","event_count":null,)"
                                        R"("data_collections":null,"ts_ms":5000})");
  out.clear();
  BOOST_REQUIRE(t.before(a1, false, out, b));  // the write is retried: no second BEGIN
  BOOST_CHECK(out.empty());
  BOOST_CHECK_EQUAL(b.total_order, 1);
  t.after(a1, false, out);
  BOOST_REQUIRE(t.before(b1, false, out, b));
  BOOST_CHECK_EQUAL(b.total_order, 2);
  BOOST_CHECK_EQUAL(b.data_collection_order, 1);
  t.after(b1, false, out);
  BOOST_REQUIRE(t.before(a2, false, out, b));
  BOOST_CHECK_EQUAL(b.total_order, 3);
  BOOST_CHECK_EQUAL(b.data_collection_order, 2);
  BOOST_CHECK(out.empty());
  t.after(a2, false, out);  // the last change: END
  BOOST_REQUIRE_EQUAL(out.size(), 1u);
  BOOST_CHECK_EQUAL(payload_of(out[0]),
                    R"({"status":"END","id":"0-1-7","event_count":3,"data_collections":[)"
                    R"({"data_collection":"db.a","event_count":2},)"
                    R"({"data_collection":"db.b","event_count":1}],"ts_ms":5000})");
}

BOOST_AUTO_TEST_CASE(unfinished_transaction_ends_when_the_next_begins) {
  TransactionTopic t;
  std::vector<TransactionTopic::Message> out;
  operators::debezium::TxBlock b;
  Event x = change("a", "0-1-8", false), y = change("a", "0-1-9", true);
  BOOST_REQUIRE(t.before(x, true, out, b));
  t.after(x, true, out);
  out.clear();
  BOOST_REQUIRE(t.before(y, true, out, b));
  BOOST_REQUIRE_EQUAL(out.size(), 2u);  // END of 0-1-8 (one change), BEGIN of 0-1-9
  BOOST_CHECK(out[0].value.find(R"("status":"END","id":"0-1-8","event_count":1)") !=
              std::string::npos);
  BOOST_CHECK(out[1].value.find(R"("status":"BEGIN","id":"0-1-9")") != std::string::npos);
  BOOST_CHECK(out[1].value.find("io.debezium.connector.common.TransactionMetadataValue") !=
              std::string::npos);
  // Snapshot reads and changes without an origin are in no transaction.
  Event r = change("a", "0-1-9", false);
  r.op = Op::Read;
  BOOST_CHECK(!t.before(r, true, out, b));
  Event plain;
  BOOST_CHECK(!t.before(plain, true, out, b));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace transaction_topic_test
