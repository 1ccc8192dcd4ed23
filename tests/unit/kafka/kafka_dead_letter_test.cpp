// A kafka source whose messages do not parse: through the engine they reach the source's
// `dead_letter` sink (here a kafka sink, so the DLQ topic carries Kafka Connect style headers),
// the good ones reach the main sink, and the offsets of both are committed with the checkpoint.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/logger.h"
#include "dsl/loader.h"
#include "engine/actors/runner.h"
#include "operators/debezium/debezium_encoder.h"
#include "operators/registry.h"
#include "support/kafka_mock.h"
#include "support/process.h"

using namespace sluice;

namespace {

engine::RunResult run_pipe(const std::string& text, const std::string& state_dir, int64_t idle_us) {
  auto loaded = dsl::load_text("dlq.pipe", text, operators::registry().specs());
  BOOST_REQUIRE_MESSAGE(loaded.ok(), dsl::format(loaded));
  engine::RunOptions opts;
  opts.quiet = true;
  opts.state_dir = state_dir;
  opts.exit_when_idle_us = idle_us;
  auto res = engine::run(loaded.file, operators::registry(), opts);
  for (const auto& f : res.failures) BOOST_TEST_MESSAGE("failure: " << f);
  return res;
}

std::pair<std::string, std::string> good(int64_t id) {
  auto m = std::make_shared<SourceMeta>();
  m->connector = "mysql";
  m->name = "mks";
  m->db = "bank";
  m->table = "accounts";
  m->primary_key = {"id"};
  m->column_names = {"id", "balance"};
  m->column_types = {"bigint", "decimal(15,2)"};
  Event e;
  e.op = Op::Create;
  e.source = m;
  e.ts = 1709214359000000LL;
  e.row.append(intern("id"), Value::int64(id));
  e.row.append(intern("balance"), Value::decimal(*Decimal::parse("10.50")));
  operators::debezium::DebeziumEncoder enc("mks");
  std::string k, v;
  enc.encode_key(e, k);
  BOOST_REQUIRE(enc.encode_value(e, v).ok());
  return {k, v};
}

std::string header(const test::KafkaMessage& m, const std::string& name) {
  for (const auto& [k, v] : m.headers) {
    if (k == name) return v;
  }
  return "<missing " + name + ">";
}

const Value& at(const Value& v, const char* name) {
  static const Value null;
  if (v.type() != Type::Object) return null;
  const Value* f = v.as_object().find(intern(name));
  return f ? *f : null;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kafka_dead_letter)

BOOST_AUTO_TEST_CASE(unparseable_messages_go_to_the_kafka_dlq_with_connect_headers) {
  log::set_level(log::Level::Warn);
  test::KafkaMock mock;
  mock.create_topic("mks.bank.accounts", 1);
  mock.create_topic("accounts.dlq", 1);
  // offsets: 0 good, 1 bad (not JSON), 2 good, 3 bad (no payload), 4 good
  mock.produce(
      "mks.bank.accounts",
      {good(1), {"k-bad-1", "this is not json"}, good(2), {"k-bad-2", "{\"schema\":{}}"}, good(3)});
  test::TempDir dir;
  const std::string out = dir.file("out.jsonl");
  const std::string pipe =
      "pipeline dlq_test {\n"
      "  source kafka kin { brokers = \"" +
      mock.bootstrap() +
      "\"  topics = [\"mks.bank.accounts\"]  group = \"dlqg\"  format = debezium\n"
      "    properties = [\"session.timeout.ms=6000\"]  dead_letter = dlq }\n"
      "  sink file out from kin { path = \"" +
      out +
      "\" }\n"
      "  sink kafka dlq { brokers = \"" +
      mock.bootstrap() +
      "\"  topic = \"accounts.dlq\"  format = json }\n"
      "}\n";
  auto res = run_pipe(pipe, dir.file("state"), 4000000);
  BOOST_REQUIRE_EQUAL(res.exit_code, 0);

  auto lines = test::read_lines(out);
  BOOST_REQUIRE_EQUAL(lines.size(), 3u);

  auto dlq = mock.read_all("accounts.dlq", 2);
  BOOST_REQUIRE_EQUAL(dlq.size(), 2u);
  const std::vector<std::pair<int, std::string>> want = {{1, "k-bad-1"}, {3, "k-bad-2"}};
  for (size_t i = 0; i < 2; ++i) {
    const auto& m = dlq[i];
    const std::string off = std::to_string(want[i].first);
    BOOST_TEST_MESSAGE("dlq value: " << m.value);
    BOOST_CHECK_EQUAL(header(m, "__connect.errors.topic"), "mks.bank.accounts");
    BOOST_CHECK_EQUAL(header(m, "__connect.errors.partition"), "0");
    BOOST_CHECK_EQUAL(header(m, "__connect.errors.offset"), off);
    BOOST_CHECK_EQUAL(header(m, "__connect.errors.stage"), "kin");
    BOOST_CHECK_EQUAL(header(m, "__connect.errors.exception.class.name"), "sluice.decode");
    const std::string msg = header(m, "__connect.errors.exception.message");
    BOOST_CHECK_MESSAGE(msg.find("mks.bank.accounts/0@" + off + ": ") == 0, msg);
    BOOST_CHECK_EQUAL(header(m, "sluice.errors.kind"), "decode");

    auto v = json::parse(m.value);
    BOOST_REQUIRE_MESSAGE(v.ok(), m.value);
    const Value& err = at(*v, "error");
    BOOST_CHECK_EQUAL(at(err, "stage").to_display(), "kin");
    BOOST_CHECK_EQUAL(at(err, "kind").to_display(), "decode");
    BOOST_CHECK_EQUAL(at(at(err, "position"), "offset").to_display(), off);
    const Value& row = at(at(*v, "event"), "after");
    BOOST_CHECK_EQUAL(at(row, "topic").to_display(), "mks.bank.accounts");
    BOOST_CHECK_EQUAL(at(row, "offset").to_display(), off);
    // the raw key and value, base64 in JSON
    BOOST_REQUIRE(at(row, "key").type() == Type::String);
    auto raw_key = json::base64_decode(at(row, "key").as_string());
    BOOST_REQUIRE(raw_key.ok() && at(row, "value").type() == Type::String);
    auto raw_value = json::base64_decode(at(row, "value").as_string());
    BOOST_REQUIRE(raw_value.ok());
    BOOST_CHECK_EQUAL(raw_key.value(), want[i].second);
    BOOST_CHECK_EQUAL(raw_value.value(), i == 0 ? "this is not json" : "{\"schema\":{}}");
  }
  // The dead-lettered messages' offsets are committed with the checkpoint: all 5.
  BOOST_CHECK_EQUAL(mock.committed("dlqg", "mks.bank.accounts", 0), 5);

  // A restart reads nothing again (neither good nor dead).
  auto again = run_pipe(pipe, dir.file("state"), 3000000);
  BOOST_REQUIRE_EQUAL(again.exit_code, 0);
  BOOST_CHECK_EQUAL(test::read_lines(out).size(), 3u);
  BOOST_CHECK_EQUAL(mock.read_all("accounts.dlq", 3, 2000).size(), 2u);
}

BOOST_AUTO_TEST_CASE(without_dead_letter_bad_messages_are_skipped_and_on_error_fail_stops) {
  log::set_level(log::Level::Error);
  test::KafkaMock mock;
  mock.create_topic("t", 1);
  mock.produce("t", {good(1), {"x", "garbage"}, good(2)});
  test::TempDir dir;
  const std::string out = dir.file("out.jsonl");
  auto pipe = [&](const std::string& extra, const std::string& group) {
    return "pipeline skip_test {\n"
           "  source kafka kin { brokers = \"" +
           mock.bootstrap() + "\"  topics = [\"t\"]  group = \"" + group +
           "\"\n"
           "    properties = [\"session.timeout.ms=6000\"] " +
           extra +
           " }\n"
           "  sink file out from kin { path = \"" +
           out +
           "\" }\n"
           "}\n";
  };
  auto res = run_pipe(pipe("", "g1"), dir.file("s1"), 4000000);
  BOOST_REQUIRE_EQUAL(res.exit_code, 0);
  BOOST_CHECK_EQUAL(test::read_lines(out).size(), 2u);

  auto failed = run_pipe(pipe("on_error = fail", "g2"), dir.file("s2"), 4000000);
  BOOST_CHECK_NE(failed.exit_code, 0);
  bool named = false;
  for (const auto& f : failed.failures) named = named || f.find("t/0@1") != std::string::npos;
  BOOST_CHECK_MESSAGE(named, "a failure names the message t/0@1");
}

BOOST_AUTO_TEST_SUITE_END()
