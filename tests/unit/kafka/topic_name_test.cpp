// Topic names Kafka does not take (a MySQL table `order items`, a CJK table name): the sink writes
// to the name Debezium gives such a topic (AbstractTopicNamingStrategy.sanitizedTopicName: each
// character outside [a-zA-Z0-9._-] becomes '_' per UTF-16 unit, cut to 249, "." and ".."
// replaced), so a consumer written for Debezium finds its messages. Before, the sink produced
// to a name a broker refuses (InvalidTopicException).
#include "operators/kafka/topic_name.h"

#include <boost/test/unit_test.hpp>

#include "operators/kafka/kafka_sink.h"
#include "support/kafka_mock.h"

using namespace sluice;
using namespace sluice::operators;
using sluice::test::KafkaMock;

BOOST_AUTO_TEST_SUITE(kafka_topic_names)

BOOST_AUTO_TEST_CASE(names_kafka_refuses_become_debeziums_names) {
  using kafka::kafka_topic_name;
  BOOST_TEST(kafka_topic_name("dbserver1.inventory.customers") == "dbserver1.inventory.customers");
  BOOST_TEST(kafka_topic_name("my-server_1.DB.T") == "my-server_1.DB.T");
  BOOST_TEST(kafka_topic_name("srv.shop.order items") == "srv.shop.order_items");
  BOOST_TEST(kafka_topic_name("a/b:c$d") == "a_b_c_d");
  BOOST_TEST(kafka_topic_name("srv.db.顧客") == "srv.db.__");  // one unit each in Java
  BOOST_TEST(kafka_topic_name("srv.db.t\xF0\x9F\x98\x80") == "srv.db.t__");  // a surrogate pair
  BOOST_TEST(kafka_topic_name("caf\xC3\xA9") == "caf_");
  BOOST_TEST(kafka_topic_name("x\xFFy") == "x_y");    // a byte that is no UTF-8
  BOOST_TEST(kafka_topic_name("x\xE9\xA1") == "x_");  // a sequence cut short
  BOOST_TEST(kafka_topic_name(".") == "_");
  BOOST_TEST(kafka_topic_name("..") == "__");
  BOOST_TEST(kafka_topic_name("...") == "...");
  BOOST_TEST(kafka_topic_name(std::string(300, 'a')) == std::string(249, 'a'));
  BOOST_TEST(kafka::kafka_topic_valid("dbserver1.inventory.customers"));
  for (const std::string& bad :
       std::vector<std::string>{"", ".", "..", "a b", "顧客", std::string(250, 'a')}) {
    BOOST_TEST(!kafka::kafka_topic_valid(bad), bad);
  }
}

BOOST_AUTO_TEST_CASE(changes_of_a_table_named_with_a_space_reach_debeziums_topic) {
  KafkaMock mock;
  mock.create_topic("dbserver1.shop.order_items", 1);
  kafka::KafkaSink::Options o;
  o.stage = "kout";
  o.brokers = mock.bootstrap();
  o.debezium = true;
  o.flush_timeout_ms = 10000;
  o.properties = {{"linger.ms", "1"}};
  kafka::KafkaSink sink(std::move(o));
  BOOST_REQUIRE(sink.open("").ok());
  auto m = std::make_shared<SourceMeta>();
  m->connector = "mysql";
  m->name = "dbserver1";
  m->db = "shop";
  m->table = "order items";
  m->primary_key = {"id"};
  std::vector<Event> batch;
  for (int64_t id = 1; id <= 2; ++id) {
    Event e;
    e.op = Op::Create;
    e.source = m;
    e.ts = 1709214359000000LL;
    e.row.append(intern("id"), Value::int64(id));
    batch.push_back(std::move(e));
  }
  std::vector<Event> dead;
  auto w = sink.write(batch, dead);
  BOOST_REQUIRE_MESSAGE(w.ok(), (w.ok() ? std::string() : w.err().message));
  BOOST_REQUIRE(sink.checkpoint(1).ok());
  BOOST_TEST(dead.empty());
  auto msgs = mock.read_all("dbserver1.shop.order_items", 2, 5000);
  BOOST_REQUIRE_EQUAL(msgs.size(), 2u);
  // The envelope keeps the table's own name.
  BOOST_TEST(msgs.front().value.find(R"("table":"order items")") != std::string::npos,
             msgs.front().value);
}

BOOST_AUTO_TEST_SUITE_END()
