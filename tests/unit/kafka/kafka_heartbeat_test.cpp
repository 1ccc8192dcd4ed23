// issue 20: `sink kafka { heartbeat_interval = ... }` writes Debezium's heartbeat messages to
// __debezium-heartbeat.SERVER (or heartbeat_prefix.SERVER) at checkpoints, also when no change
// flows. The key and value are compared with Debezium's documented heartbeat message
// (Debezium 2.x connector docs, "heartbeat.interval.ms": key schema
// io.debezium.connector.common.ServerNameKey {serverName}, value schema
// io.debezium.connector.common.Heartbeat {ts_ms}).
#include <boost/test/unit_test.hpp>
#include <thread>

#include "base/json.h"
#include "base/temporal.h"
#include "operators/kafka/kafka_sink.h"
#include "support/kafka_mock.h"

using namespace sluice;
using namespace sluice::operators;
using sluice::test::KafkaMock;

namespace {

std::unique_ptr<kafka::KafkaSink> hb_sink(const KafkaMock& m, bool debezium, std::string server,
                                          std::string prefix = "__debezium-heartbeat") {
  kafka::KafkaSink::Options o;
  o.stage = "kout";
  o.brokers = m.bootstrap();
  o.debezium = debezium;
  o.topic_constant = "out";
  o.server = std::move(server);
  o.flush_timeout_ms = 10000;
  o.properties = {{"linger.ms", "1"}};
  o.heartbeat_interval_ms = 50;
  o.heartbeat_prefix = std::move(prefix);
  return std::make_unique<kafka::KafkaSink>(std::move(o));
}

Event change(int64_t id) {
  auto m = std::make_shared<SourceMeta>();
  m->connector = "mysql";
  m->name = "dbserver1";
  m->db = "inventory";
  m->table = "customers";
  m->primary_key = {"id"};
  Event e;
  e.op = Op::Create;
  e.source = m;
  e.ts = 1709214359000000LL;
  e.row.append(intern("id"), Value::int64(id));
  return e;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kafka_heartbeat)

BOOST_AUTO_TEST_CASE(debezium_heartbeats_while_idle_match_debeziums_message) {
  KafkaMock mock;
  mock.create_topic("__debezium-heartbeat.dbserver1", 1);
  auto s = hb_sink(mock, true, "");  // the server named by the changes' source
  BOOST_REQUIRE(s->open("").ok());
  std::vector<Event> batch = {change(1)};
  std::vector<Event> dead;
  BOOST_REQUIRE(s->write(batch, dead).ok());
  const int64_t before = temporal::now_micros() / 1000;
  for (uint64_t id = 1; id <= 3; ++id) {  // checkpoints of an idle pipeline
    BOOST_REQUIRE(s->checkpoint(id).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
  }
  auto msgs = mock.read_all("__debezium-heartbeat.dbserver1", 3, 5000);
  BOOST_REQUIRE_EQUAL(msgs.size(), 3u);
  const auto& m = msgs.front();
  // Debezium's documented key, field by field.
  auto key = json::parse(m.key);
  BOOST_REQUIRE(key.ok());
  auto expected_key = json::parse(
      R"({"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"serverName"}],"optional":false,"name":"io.debezium.connector.common.ServerNameKey"},"payload":{"serverName":"dbserver1"}})");
  BOOST_TEST(json::encode(*key) == json::encode(*expected_key));
  auto value = json::parse(m.value);
  BOOST_REQUIRE(value.ok());
  const Value* ts = value->as_object().find(intern("payload"))->as_object().find(intern("ts_ms"));
  BOOST_REQUIRE(ts);
  BOOST_TEST(ts->as_int() >= before);
  Object v = value->as_object();
  auto expected_schema = json::parse(
      R"({"type":"struct","fields":[{"type":"int64","optional":false,"field":"ts_ms"}],"optional":false,"name":"io.debezium.connector.common.Heartbeat"})");
  BOOST_TEST(json::encode(*v.find(intern("schema"))) == json::encode(*expected_schema));
}

BOOST_AUTO_TEST_CASE(json_heartbeats_go_to_the_prefix_and_server_set) {
  KafkaMock mock;
  mock.create_topic("hb.ods", 1);
  auto s = hb_sink(mock, false, "ods", "hb");
  BOOST_REQUIRE(s->open("").ok());
  BOOST_REQUIRE(s->checkpoint(1).ok());  // no change yet: `server` names the topic
  auto hb = mock.read_all("hb.ods", 1, 3000);
  BOOST_REQUIRE_EQUAL(hb.size(), 1u);
  BOOST_TEST(hb.front().key == R"({"serverName":"ods"})");
  BOOST_TEST(hb.front().value.find(R"({"ts_ms":)") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
