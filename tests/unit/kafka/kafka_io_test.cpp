// Kafka source and sink against librdkafka's in-process mock cluster.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "base/json.h"
#include "engine/core/errc.h"
#include "operators/debezium/debezium_decoder.h"
#include "operators/debezium/debezium_encoder.h"
#include "operators/kafka/kafka_sink.h"
#include "operators/kafka/kafka_source.h"
#include "support/kafka_mock.h"

using namespace sluice;
using namespace sluice::operators;
using sluice::test::KafkaMock;

namespace {

std::shared_ptr<SourceMeta> accounts_meta() {
  auto m = std::make_shared<SourceMeta>();
  m->connector = "mysql";
  m->name = "mks";
  m->db = "bank";
  m->table = "accounts";
  m->primary_key = {"id"};
  m->column_names = {"id", "balance", "opened"};
  m->column_types = {"bigint", "decimal(15,2)", "date"};
  return m;
}

Event account(Op op, int64_t id, const char* balance) {
  Event e;
  e.op = op;
  e.source = accounts_meta();
  e.ts = 1709214359000000LL + id;
  e.row.append(intern("id"), Value::int64(id));
  e.row.append(intern("balance"), Value::decimal(*Decimal::parse(balance)));
  e.row.append(intern("opened"), Value::date(19782));
  return e;
}

std::pair<std::string, std::string> debezium_message(const Event& e) {
  debezium::DebeziumEncoder enc("mks");
  std::string k, v;
  enc.encode_key(e, k);
  BOOST_REQUIRE(enc.encode_value(e, v).ok());
  return {k, v};
}

kafka::KafkaSource::Options source_options(const KafkaMock& m, const std::string& topic,
                                           const std::string& group) {
  kafka::KafkaSource::Options o;
  o.stage = "kin";
  o.brokers = m.bootstrap();
  o.topics = {topic};
  o.group = group;
  o.properties = {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "500"}};
  return o;
}

std::vector<Event> poll_n(Source& s, size_t n, int timeout_ms = 20000) {
  std::vector<Event> out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (out.size() < n && std::chrono::steady_clock::now() < deadline) {
    auto r = s.poll(n - out.size(), out);
    BOOST_REQUIRE(r.ok());
    if (*r == Source::Poll::Idle) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return out;
}

std::unique_ptr<kafka::KafkaSink> make_sink(const KafkaMock& m, bool debezium,
                                            const std::string& topic = "") {
  kafka::KafkaSink::Options o;
  o.stage = "kout";
  o.brokers = m.bootstrap();
  o.debezium = debezium;
  o.topic_constant = topic;
  o.properties = {{"linger.ms", "1"}};
  return std::make_unique<kafka::KafkaSink>(std::move(o));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kafka_io)

BOOST_AUTO_TEST_CASE(source_reads_debezium_and_resumes_after_restart) {
  KafkaMock mock;
  mock.create_topic("mks.bank.accounts", 1);
  std::vector<std::pair<std::string, std::string>> msgs;
  for (int i = 1; i <= 5; ++i) msgs.push_back(debezium_message(account(Op::Create, i, "10.50")));
  msgs.push_back({"{\"id\":9}", "this is not json"});  // skipped, counted
  msgs.push_back({debezium_message(account(Op::Delete, 1, "10.50")).first, ""});  // tombstone
  mock.produce("mks.bank.accounts", msgs, {false, false, false, false, false, false, true});

  std::string state;
  {
    kafka::KafkaSource src(source_options(mock, "mks.bank.accounts", "g1"));
    BOOST_REQUIRE(src.open("").ok());
    auto events = poll_n(src, 3);
    BOOST_REQUIRE_EQUAL(events.size(), 3u);
    for (int i = 0; i < 3; ++i) {
      const Event& e = events[i];
      BOOST_CHECK(e.op == Op::Create);
      BOOST_CHECK(e.row == account(Op::Create, i + 1, "10.50").row);
      BOOST_CHECK(e.key == Value::int64(i + 1));
      BOOST_CHECK_EQUAL(e.source->table, "accounts");
      BOOST_CHECK_EQUAL(e.ts, 1709214359000000LL + i + 1 - (1709214359000000LL + i + 1) % 1000);
      BOOST_CHECK_EQUAL(
          json::encode(e.position),
          "{\"topic\":\"mks.bank.accounts\",\"partition\":0,\"offset\":" + std::to_string(i) + "}");
    }
    state = src.checkpoint(1);  // checkpoint 1 covers offsets 0..2
    BOOST_CHECK_EQUAL(state, "mks.bank.accounts\t0\t3\n");
    auto more = poll_n(src, 10, 1500);  // reads on past the checkpoint
    BOOST_CHECK_EQUAL(more.size(), 2u);
    BOOST_CHECK_EQUAL(src.skipped(), 1u);
    src.checkpoint_committed(1);  // commits 3, not 7
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    src.close();
  }
  BOOST_CHECK_EQUAL(mock.committed("g1", "mks.bank.accounts", 0), 3);

  // Restart from the checkpoint with a group that never committed (commit lost): resumes at 3.
  mock.produce("mks.bank.accounts", {debezium_message(account(Op::Update, 6, "-0.01"))});
  {
    kafka::KafkaSource src(source_options(mock, "mks.bank.accounts", "g1"));
    BOOST_REQUIRE(src.open(state).ok());
    auto events = poll_n(src, 3);
    BOOST_REQUIRE_EQUAL(events.size(), 3u);
    BOOST_CHECK(events[0].row == account(Op::Create, 4, "10.50").row);
    BOOST_CHECK(events[1].row == account(Op::Create, 5, "10.50").row);
    BOOST_CHECK(events[2].op == Op::Update);
    BOOST_CHECK(events[2].row == account(Op::Update, 6, "-0.01").row);
    BOOST_CHECK_EQUAL(src.checkpoint_state(), "mks.bank.accounts\t0\t8\n");
  }
}

BOOST_AUTO_TEST_CASE(sink_round_trip_debezium_with_tombstones) {
  KafkaMock mock;
  auto sink = make_sink(mock, true);
  BOOST_REQUIRE(sink->open("").ok());
  std::vector<Event> events = {account(Op::Create, 1, "1.00"), account(Op::Create, 2, "2.50"),
                               account(Op::Delete, 1, "1.00")};
  Event upd = account(Op::Update, 2, "-99999999999.99");
  upd.before = account(Op::Create, 2, "2.50").row;
  upd.has_before = true;
  events.push_back(upd);
  std::vector<Event> expect = events;
  std::vector<Event> dead;
  BOOST_REQUIRE(sink->write(events, dead).ok());
  BOOST_CHECK(dead.empty());
  auto cp = sink->checkpoint(1);
  BOOST_REQUIRE(cp.ok());
  BOOST_CHECK_EQUAL(sink->delivered(), 5u);  // 4 events + 1 tombstone, all acknowledged

  auto got = mock.read_all("mks.bank.accounts", 5);
  BOOST_REQUIRE_EQUAL(got.size(), 5u);
  // Order per key holds (same key -> same partition); decode and compare per key.
  debezium::DebeziumDecoder dec("kin");
  std::vector<Event> decoded;
  int tombstones = 0;
  for (const auto& m : got) {
    Event e;
    auto r = dec.decode(m.key, m.value, m.has_value, e);
    BOOST_REQUIRE(r.ok());
    if (!*r) {
      ++tombstones;
      BOOST_CHECK_EQUAL(m.key, debezium_message(account(Op::Delete, 1, "1")).first);
      continue;
    }
    decoded.push_back(std::move(e));
  }
  BOOST_CHECK_EQUAL(tombstones, 1);
  BOOST_REQUIRE_EQUAL(decoded.size(), 4u);
  for (const Event& want : expect) {
    bool found = false;
    for (const Event& e : decoded) {
      if (e.op == want.op && e.row == want.row && e.has_before == want.has_before &&
          e.before == want.before && e.key == *want.row.find(intern("id"))) {
        found = true;
      }
    }
    BOOST_CHECK_MESSAGE(found, "missing " << op_code(want.op) << " id "
                                          << want.row.find(intern("id"))->to_display());
  }
}

BOOST_AUTO_TEST_CASE(sink_retries_through_broker_outage_and_request_errors) {
  KafkaMock mock;
  mock.create_topic("out", 2);
  auto sink = make_sink(mock, false, "out");
  BOOST_REQUIRE(sink->open("").ok());
  std::vector<Event> first = {account(Op::Create, 1, "1.00")};
  std::vector<Event> dead;
  BOOST_REQUIRE(sink->write(first, dead).ok());
  BOOST_REQUIRE(sink->checkpoint(1).ok());

  // Produce requests fail with retriable errors: retried, delivered by the checkpoint.
  rd_kafka_mock_push_request_errors(
      mock.handle(), 0 /* Produce */, 3, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
      RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS);
  std::vector<Event> batch;
  for (int i = 2; i <= 200; ++i) batch.push_back(account(Op::Create, i, "3.25"));
  BOOST_REQUIRE(sink->write(batch, dead).ok());
  auto mid = sink->checkpoint(2);
  BOOST_REQUIRE_MESSAGE(mid.ok(), (mid.ok() ? "" : mid.err().message));
  // Then the broker goes down for a while. (Two phases: with the outage starting while the
  // errored requests were still being retried, one CI run read back only 298 of the 300
  // acknowledged messages from the librdkafka 2.0 mock broker; 30 runs here did not repeat it.)
  rd_kafka_mock_broker_set_down(mock.handle(), 1);
  std::vector<Event> more;
  for (int i = 201; i <= 300; ++i) more.push_back(account(Op::Create, i, "4.00"));
  BOOST_REQUIRE(sink->write(more, dead).ok());
  std::thread up([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    rd_kafka_mock_broker_set_up(mock.handle(), 1);
  });
  auto t0 = std::chrono::steady_clock::now();
  auto cp = sink->checkpoint(3);  // waits for every delivery report
  up.join();
  BOOST_REQUIRE_MESSAGE(cp.ok(), (cp.ok() ? "" : cp.err().message));
  BOOST_CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(1000));
  BOOST_CHECK_EQUAL(sink->failed(), 0u);
  BOOST_CHECK_EQUAL(sink->delivered(), 300u);
  auto got = mock.read_all("out", 300);
  BOOST_REQUIRE_EQUAL(got.size(), 300u);
  std::set<int64_t> ids;
  for (const auto& m : got) {
    auto v = json::parse(m.value);  // the Sluice event form
    BOOST_REQUIRE(v.ok());
    const Value* after = v->as_object().find(intern("after"));
    BOOST_REQUIRE(after != nullptr);
    ids.insert(after->as_object().find(intern("id"))->as_int());
    BOOST_CHECK_EQUAL(m.key,
                      "{\"id\":" + after->as_object().find(intern("id"))->to_display() + "}");
  }
  BOOST_CHECK_EQUAL(ids.size(), 300u);  // nothing lost, no duplicates
}

BOOST_AUTO_TEST_CASE(dead_letters_carry_connect_headers) {
  KafkaMock mock;
  auto sink = make_sink(mock, true, "dlq");
  BOOST_REQUIRE(sink->open("").ok());
  Event e = account(Op::Create, 7, "1.00");
  Object pos;
  pos.append(intern("topic"), Value::string("mks.bank.accounts"));
  pos.append(intern("partition"), Value::int64(2));
  pos.append(intern("offset"), Value::int64(41));
  e.position = Value::object(pos);
  auto d = std::make_shared<DeadLetterInfo>();
  d->stage = "clean";
  d->code = engine::errc::require_failed;
  d->message = "balance must be positive";
  d->at = 1709214359123000LL;
  e.dead_letter = d;
  std::vector<Event> events = {e};
  std::vector<Event> dead;
  BOOST_REQUIRE(sink->write(events, dead).ok());
  BOOST_REQUIRE(sink->checkpoint(1).ok());
  auto got = mock.read_all("dlq", 1);
  BOOST_REQUIRE_EQUAL(got.size(), 1u);
  auto header = [&](const std::string& n) {
    for (const auto& [k, v] : got[0].headers) {
      if (k == n) return v;
    }
    return std::string("<missing>");
  };
  BOOST_CHECK_EQUAL(header("__connect.errors.topic"), "mks.bank.accounts");
  BOOST_CHECK_EQUAL(header("__connect.errors.partition"), "2");
  BOOST_CHECK_EQUAL(header("__connect.errors.offset"), "41");
  BOOST_CHECK_EQUAL(header("__connect.errors.stage"), "clean");
  BOOST_CHECK_EQUAL(header("__connect.errors.exception.class.name"), "sluice.require");
  BOOST_CHECK_EQUAL(header("__connect.errors.exception.message"), "balance must be positive");
  auto body = json::parse(got[0].value);
  BOOST_REQUIRE(body.ok());
  const Value* err = body->as_object().find(intern("error"));
  BOOST_REQUIRE(err != nullptr);
  BOOST_CHECK(*err->as_object().find(intern("kind")) == Value::string("require"));
  BOOST_CHECK(body->as_object().find(intern("event")) != nullptr);
  BOOST_CHECK_EQUAL(got[0].key, "{\"id\":7}");
}

// Consumers of one stage: the first to hear that a checkpoint is written makes every
// consumer's offsets in it durable (the partition's owner then commits them for the group);
// what a consumer staged before it started over is never made durable.
BOOST_AUTO_TEST_CASE(completed_offsets_promote_every_consumers_checkpoint) {
  kafka::CompletedOffsets c;
  kafka::PartitionOffsets a, b, late;
  a.set("t", 0, 10);
  b.set("t", 1, 20);
  late.set("t", 0, 99);
  c.stage(0, 5, a);
  c.stage(1, 5, b);
  c.stage(0, 6, late);
  BOOST_CHECK_EQUAL(c.get("t", 0), -1);
  c.promote(5);  // heard by either consumer: both entries of checkpoint 5
  BOOST_CHECK_EQUAL(c.get("t", 0), 10);
  BOOST_CHECK_EQUAL(c.get("t", 1), 20);
  c.forget(0);  // consumer 0 reopened: its checkpoint 6 entry was never written
  c.promote(6);
  BOOST_CHECK_EQUAL(c.get("t", 0), 10);
}

BOOST_AUTO_TEST_SUITE_END()
