// Op::Truncate in the kafka sink: debezium format writes Debezium's truncate envelope (op "t",
// before and after null, no key); json format writes the file-sink line with op "t".
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <string>

#include "base/json.h"
#include "operators/debezium/debezium_encoder.h"
#include "operators/kafka/kafka_sink.h"
#include "operators/kafka/message_decoder.h"
#include "support/kafka_mock.h"

using namespace sluice;
using namespace sluice::operators;
using sluice::test::KafkaMock;

namespace {

std::shared_ptr<SourceMeta> meta() {
  auto m = std::make_shared<SourceMeta>();
  m->connector = "mysql";
  m->name = "mks";
  m->db = "bank";
  m->table = "accounts";
  m->primary_key = {"id"};
  return m;
}

Event row(int64_t id) {
  Event e;
  e.op = Op::Create;
  e.source = meta();
  e.ts = 1709214359000000LL;
  e.row.append(intern("id"), Value::int64(id));
  return e;
}

Event truncate_event() {
  Event e;
  e.op = Op::Truncate;
  e.source = meta();
  e.ts = 1709214360000000LL;
  e.position = Value::string("mysql-bin.000001:99");
  return e;
}

const Value* at(const Value& v, std::initializer_list<const char*> path) {
  const Value* cur = &v;
  for (const char* p : path) {
    if (cur->type() != Type::Object) return nullptr;
    cur = cur->as_object().find(intern(p));
    if (!cur) return nullptr;
  }
  return cur;
}

// The sink writes row 1, a truncate, row 2 to topic "cdc" (no dead letters); what landed.
std::vector<sluice::test::KafkaMessage> write_row_truncate_row(KafkaMock& mock, bool debezium) {
  kafka::KafkaSink::Options o;
  o.stage = "kout";
  o.brokers = mock.bootstrap();
  o.debezium = debezium;
  o.topic_constant = "cdc";
  o.properties = {{"linger.ms", "1"}};
  kafka::KafkaSink sink(std::move(o));
  BOOST_REQUIRE(sink.open("").ok());
  std::vector<Event> evs{row(1), truncate_event(), row(2)};
  std::vector<Event> dead;
  BOOST_REQUIRE(sink.write(evs, dead).ok());
  BOOST_REQUIRE(sink.checkpoint(1).ok());
  BOOST_CHECK(dead.empty());
  return mock.read_all("cdc", 3);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kafka_truncate)

BOOST_AUTO_TEST_CASE(debezium_truncate_envelope) {
  debezium::DebeziumEncoder enc("mks");
  std::string v;
  BOOST_REQUIRE(enc.encode_value(truncate_event(), v).ok());
  auto j = json::parse(v);
  BOOST_REQUIRE_MESSAGE(j.ok(), v);
  BOOST_CHECK(at(*j, {"payload", "op"})->as_string() == "t");
  BOOST_CHECK(at(*j, {"payload", "before"})->is_null());
  BOOST_CHECK(at(*j, {"payload", "after"})->is_null());
  BOOST_CHECK(at(*j, {"payload", "source", "table"})->as_string() == "accounts");
  BOOST_CHECK(at(*j, {"payload", "source", "db"})->as_string() == "bank");
  BOOST_CHECK(at(*j, {"payload", "source", "ts_ms"})->as_int() == 1709214360000LL);
}

BOOST_AUTO_TEST_CASE(sink_writes_truncate_in_order_without_key) {
  for (bool debezium : {true, false}) {
    KafkaMock mock;
    auto got = write_row_truncate_row(mock, debezium);
    BOOST_REQUIRE_EQUAL(got.size(), 3u);
    int truncates = 0;
    for (const auto& m : got) {
      auto j = json::parse(m.value);
      BOOST_REQUIRE_MESSAGE(j.ok(), m.value);
      const Value* op = debezium ? at(*j, {"payload", "op"}) : at(*j, {"op"});
      BOOST_REQUIRE(op);
      if (op->as_string() != "t") {
        BOOST_CHECK(m.has_key);
        continue;
      }
      ++truncates;
      BOOST_CHECK_MESSAGE(!m.has_key, "a truncate has no key");
      if (!debezium) {
        BOOST_CHECK(at(*j, {"after"})->is_null());
        BOOST_CHECK(at(*j, {"before"})->is_null());
        BOOST_CHECK(at(*j, {"source", "table"})->as_string() == "accounts");
      }
    }
    BOOST_CHECK_EQUAL(truncates, 1);
  }
}

// issue 20: the kafka source decodes what the sink wrote: the truncate comes back as
// Op::Truncate of the same table, between the rows, in both formats.
BOOST_AUTO_TEST_CASE(truncate_round_trips_through_the_source_decoder) {
  for (bool debezium : {true, false}) {
    KafkaMock mock;
    auto got = write_row_truncate_row(mock, debezium);
    BOOST_REQUIRE_EQUAL(got.size(), 3u);
    kafka::MessageDecoder dec(debezium ? kafka::Format::Debezium : kafka::Format::Json, "kin");
    std::vector<Op> ops;
    for (const auto& m : got) {
      Event e;
      auto r = dec.decode("cdc", m.has_key ? m.key.data() : nullptr, m.key.size(),
                          m.has_value ? m.value.data() : nullptr, m.value.size(), e);
      BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message) << ": " << m.value);
      BOOST_REQUIRE(*r);
      ops.push_back(e.op);
      if (e.op == Op::Truncate) {
        BOOST_TEST(e.row.empty());
        if (debezium) BOOST_TEST(e.source->table.find("accounts") != std::string::npos);
      }
    }
    // (Partitions may interleave: a truncate has no key, so it need not share the rows'.)
    BOOST_TEST(std::count(ops.begin(), ops.end(), Op::Truncate) == 1, debezium);
    BOOST_TEST(std::count(ops.begin(), ops.end(), Op::Create) == 2, debezium);
  }
}

BOOST_AUTO_TEST_SUITE_END()
