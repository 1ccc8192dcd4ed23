// issue 15: events the Kafka sink cannot deliver reach the dead-letter sink, and a write that
// fails part way (producer queue full) loses nothing on its retry.
#include <boost/test/unit_test.hpp>
#include <set>
#include <thread>

#include "base/json.h"
#include "operators/kafka/kafka_sink.h"
#include "support/kafka_mock.h"

using namespace sluice;
using namespace sluice::operators;
using sluice::test::KafkaMock;

namespace {

Event row_event(int64_t id, size_t pad = 0) {
  auto m = std::make_shared<SourceMeta>();
  m->connector = "mysql";
  m->name = "mks";
  m->db = "bank";
  m->table = "notes";
  m->primary_key = {"id"};
  Event e;
  e.op = Op::Create;
  e.source = m;
  e.ts = 1709214359000000LL;
  e.row.append(intern("id"), Value::int64(id));
  e.row.append(intern("note"), Value::string(std::string(pad, 'x')));
  return e;
}

std::unique_ptr<kafka::KafkaSink> sink_for(const KafkaMock& m,
                                           std::vector<std::pair<std::string, std::string>> props,
                                           int64_t flush_timeout_ms = 30000) {
  kafka::KafkaSink::Options o;
  o.stage = "kout";
  o.brokers = m.bootstrap();
  o.debezium = false;
  o.topic_constant = "out";
  o.flush_timeout_ms = flush_timeout_ms;
  o.properties = std::move(props);
  o.properties.push_back({"linger.ms", "1"});
  return std::make_unique<kafka::KafkaSink>(std::move(o));
}

std::set<int64_t> ids_in(KafkaMock& mock, size_t n) {
  std::set<int64_t> ids;
  for (const auto& m : mock.read_all("out", n, 5000)) {
    auto v = json::parse(m.value);
    ids.insert(v->as_object().find(intern("after"))->as_object().find(intern("id"))->as_int());
  }
  return ids;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kafka_sink_dead_letters)

BOOST_AUTO_TEST_CASE(messages_the_broker_refuses_become_dead_letters) {
  KafkaMock mock;
  mock.create_topic("out", 1);
  auto sink = sink_for(mock, {});
  BOOST_REQUIRE(sink->open("").ok());
  // The next produce request is refused for good: its messages cannot be delivered.
  rd_kafka_mock_push_request_errors(mock.handle(), 0 /* Produce */, 1,
                                    RD_KAFKA_RESP_ERR_INVALID_RECORD);
  std::vector<Event> batch = {row_event(1), row_event(2), row_event(3)};
  std::vector<Event> dead;
  BOOST_REQUIRE(sink->write(batch, dead).ok());
  auto cp = sink->checkpoint(1);
  BOOST_REQUIRE_MESSAGE(cp.ok(), (cp.ok() ? "" : cp.err().message));
  sink->take_dead(dead);
  BOOST_REQUIRE(!dead.empty());
  std::set<int64_t> refused;
  for (const auto& d : dead) {
    BOOST_REQUIRE(d.dead_letter);
    BOOST_TEST(d.dead_letter->stage == "kout");
    BOOST_TEST(d.dead_letter->kind() == "write");
    BOOST_TEST(d.dead_letter->message.find("refused") != std::string::npos, d.dead_letter->message);
    refused.insert(d.row.find(intern("id"))->as_int());
  }
  // Later messages flow; every event is either in the topic or a dead letter, once.
  std::vector<Event> more = {row_event(4), row_event(5)};
  BOOST_REQUIRE(sink->write(more, dead).ok());
  BOOST_REQUIRE(sink->checkpoint(2).ok());
  std::set<int64_t> delivered = ids_in(mock, 5 - refused.size());
  BOOST_TEST(delivered.size() + refused.size() == 5u);
  for (int64_t id : refused) BOOST_TEST(delivered.count(id) == 0u);
  BOOST_TEST(delivered.count(4) == 1u);
  BOOST_TEST(delivered.count(5) == 1u);
}

BOOST_AUTO_TEST_CASE(a_write_that_fails_part_way_resumes_without_loss) {
  KafkaMock mock;
  mock.create_topic("out", 1);
  // One message in the producer's queue at most and 300 ms to wait for room: with the broker
  // down, the second message of a batch fails the call.
  auto sink =
      sink_for(mock, {{"queue.buffering.max.messages", "1"}, {"message.max.bytes", "2000"}}, 300);
  BOOST_REQUIRE(sink->open("").ok());
  rd_kafka_mock_broker_set_down(mock.handle(), 1);
  std::vector<Event> batch = {row_event(1), row_event(2, 5000) /* too large */, row_event(3),
                              row_event(4)};
  std::vector<Event> dead;
  auto r = sink->write(batch, dead);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.err().kind == failure_kind::transient));
  dead.clear();  // what the engine does with the dead letters of a failed call
  rd_kafka_mock_broker_set_up(mock.handle(), 1);
  // The engine retries the same batch until it goes through.
  for (int i = 0; i < 50; ++i) {
    r = sink->write(batch, dead);
    if (r.ok()) break;
    dead.clear();
  }
  BOOST_REQUIRE_MESSAGE(r.ok(), r.err().message);
  BOOST_REQUIRE(sink->checkpoint(1).ok());
  // The too-large event is a dead letter exactly once, with its content.
  BOOST_REQUIRE_EQUAL(dead.size(), 1u);
  BOOST_TEST(dead[0].row.find(intern("id"))->as_int() == 2);
  BOOST_TEST(dead[0].row.find(intern("note"))->as_string().size() == 5000u);
  // Each delivered once: the retry started at the event the failed call had not produced.
  BOOST_TEST(mock.read_all("out", 4, 2000).size() == 3u);
  BOOST_TEST(ids_in(mock, 3) == (std::set<int64_t>{1, 3, 4}));
}

// issue 15: a row of a table without a key is written with a null key (as Debezium does).
BOOST_AUTO_TEST_CASE(keyless_rows_have_a_null_key) {
  KafkaMock mock;
  mock.create_topic("out", 1);
  for (bool debezium : {false, true}) {
    kafka::KafkaSink::Options o;
    o.stage = "kout";
    o.brokers = mock.bootstrap();
    o.debezium = debezium;
    o.topic_constant = "out";
    kafka::KafkaSink sink(std::move(o));
    BOOST_REQUIRE(sink.open("").ok());
    Event e = row_event(1);
    auto m = std::make_shared<SourceMeta>(*e.source);
    m->primary_key.clear();
    m->column_names = {"id", "note"};
    m->column_types = {"int", "varchar(10)"};
    e.source = m;
    std::vector<Event> batch = {e};
    std::vector<Event> dead;
    BOOST_REQUIRE(sink.write(batch, dead).ok());
    BOOST_REQUIRE(sink.checkpoint(1).ok());
    BOOST_TEST(dead.empty());
  }
  auto got = mock.read_all("out", 2, 5000);
  BOOST_REQUIRE_EQUAL(got.size(), 2u);
  for (const auto& m : got) {
    BOOST_TEST(!m.has_key);
    BOOST_TEST(m.has_value);
  }
}

BOOST_AUTO_TEST_SUITE_END()
