// `sink kafka { exactly_once = true }` (sequence_gate.h) on the sink itself: a crash after
// messages were delivered but before the engine kept the checkpoint that covers them; the
// restarted sink, given the older checkpoint and the same replayed changes, produces none of
// them again (deletes and their tombstones included) and carries on with the new ones.
#include <boost/test/unit_test.hpp>
#include <map>

#include "base/json.h"
#include "operators/kafka/kafka_sink.h"
#include "operators/kafka/sequence_gate.h"
#include "support/kafka_mock.h"

using namespace sluice;
using namespace sluice::operators;
using sluice::test::KafkaMock;

namespace {

Event change(int64_t id, Op op = Op::Create) {
  auto m = std::make_shared<SourceMeta>();
  m->connector = "mysql";
  m->name = "mks";
  m->db = "bank";
  m->table = "notes";
  m->primary_key = {"id"};
  Event e;
  e.op = op;
  e.source = m;
  e.ts = 1709214359000000LL;
  e.position = Value::int64(id * 10 + (op == Op::Delete ? 1 : 0));
  e.row.append(intern("id"), Value::int64(id));
  e.row.append(intern("note"), Value::string("n" + std::to_string(id)));
  return e;
}

std::unique_ptr<kafka::KafkaSink> eos_sink(const KafkaMock& m) {
  kafka::KafkaSink::Options o;
  o.stage = "kout";
  o.brokers = m.bootstrap();
  o.debezium = true;
  o.topic_constant = "out";
  o.flush_timeout_ms = 10000;
  o.properties = {{"linger.ms", "1"}};
  o.exactly_once = true;
  o.writer = "sluice.p.kout";
  o.partitioner = &rd_kafka_msg_partitioner_consistent;
  return std::make_unique<kafka::KafkaSink>(std::move(o));
}

void write(kafka::KafkaSink& s, std::vector<Event> batch) {
  std::vector<Event> dead;
  auto r = s.write(batch, dead);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().message));
  BOOST_REQUIRE(dead.empty());
}

std::string checkpoint(kafka::KafkaSink& s, uint64_t id) {
  auto cp = s.checkpoint(id);
  BOOST_REQUIRE_MESSAGE(cp.ok(), (cp.ok() ? "" : cp.err().message));
  return *cp;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kafka_exactly_once_sink)

BOOST_AUTO_TEST_CASE(seq_header_round_trips) {
  kafka::SeqHeader h{"sluice.p.s", 0xfeedbeefULL, 123456789, 0xabcdef0123456789ULL};
  kafka::SeqHeader back;
  BOOST_REQUIRE(kafka::SeqHeader::parse(h.encode(), back));
  BOOST_TEST(back.writer == h.writer);
  BOOST_TEST(back.epoch == h.epoch);
  BOOST_TEST(back.seq == h.seq);
  BOOST_TEST(back.identity == h.identity);
  BOOST_TEST(!kafka::SeqHeader::parse("no-separator", back));
  BOOST_TEST(!kafka::SeqHeader::parse("w;1;2;3;extra", back));
}

BOOST_AUTO_TEST_CASE(a_replay_after_a_crash_is_not_produced_again) {
  KafkaMock mock;
  mock.create_topic("out", 3);
  std::string kept;  // the checkpoint the engine kept
  {
    auto s = eos_sink(mock);
    BOOST_REQUIRE(s->open("").ok());
    write(*s, {change(1), change(2), change(3), change(2, Op::Delete)});
    kept = checkpoint(*s, 1);
    BOOST_TEST(kept.rfind("eos;", 0) == 0, kept);
    // Delivered, but the engine never kept checkpoint 2 (the process died).
    write(*s, {change(4), change(5), change(4, Op::Delete)});
    checkpoint(*s, 2);
  }
  auto s = eos_sink(mock);
  BOOST_REQUIRE(s->open(kept).ok());
  write(*s, {change(4), change(5), change(4, Op::Delete), change(6)});  // the replay, then new
  checkpoint(*s, 3);
  // 4, 5, delete 4 and its tombstone were held already.
  BOOST_TEST(s->replay_skipped() == 4);

  auto msgs = mock.read_all("out", 100, 4000);
  std::map<std::string, int> seen;  // op:id, "t:id" for tombstones
  for (const auto& m : msgs) {
    const auto key = json::parse(m.key);
    BOOST_REQUIRE(key.ok());
    std::string id = key->to_display();
    if (!m.has_value) {
      ++seen["t:" + id];
      continue;
    }
    auto v = json::parse(m.value);
    BOOST_REQUIRE(v.ok());
    const Value* payload = v->as_object().find(intern("payload"));
    BOOST_REQUIRE(payload);
    ++seen[payload->as_object().find(intern("op"))->as_string() + ":" + id];
  }
  BOOST_TEST(msgs.size() == 10u);  // c1 c2 c3 d2 t2, c4 c5 d4 t4, c6
  for (const auto& [what, n] : seen) BOOST_TEST(n == 1, what << " seen " << n << " times");
}

// A source that does not replay in order: the held sequence number carries another change.
BOOST_AUTO_TEST_CASE(a_replay_that_differs_is_noticed_and_not_duplicated) {
  KafkaMock mock;
  mock.create_topic("out", 1);
  std::string kept;
  {
    auto s = eos_sink(mock);
    BOOST_REQUIRE(s->open("").ok());
    write(*s, {change(1)});
    kept = checkpoint(*s, 1);
    write(*s, {change(2)});
    checkpoint(*s, 2);  // delivered; the engine never kept it
  }
  auto s = eos_sink(mock);
  BOOST_REQUIRE(s->open(kept).ok());
  write(*s, {change(7), change(8)});  // sequence 2 is held (by change 2), 3 is new
  checkpoint(*s, 3);
  BOOST_TEST(s->replay_skipped() == 1);
  BOOST_TEST(s->replay_differing() == 1);
  BOOST_TEST(mock.read_all("out", 10, 3000).size() == 3u);  // changes 1, 2 and 8
}

BOOST_AUTO_TEST_SUITE_END()
