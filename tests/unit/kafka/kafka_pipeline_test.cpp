// Pipelines through the engine: generate -> sink kafka (debezium), then source kafka -> file,
// restarted from its checkpoint with nothing lost or duplicated.
#include <boost/test/unit_test.hpp>
#include <set>
#include <string>

#include "base/json.h"
#include "base/logger.h"
#include "dsl/loader.h"
#include "engine/actors/runner.h"
#include "operators/registry.h"
#include "support/kafka_mock.h"
#include "support/process.h"

using namespace sluice;

namespace {

int run_text(const std::string& text, const std::string& state_dir, int64_t idle_us) {
  auto loaded = dsl::load_text("t.pipe", text, operators::registry().specs());
  BOOST_REQUIRE_MESSAGE(loaded.ok(), dsl::format(loaded));
  engine::RunOptions opts;
  opts.quiet = true;
  opts.state_dir = state_dir;
  opts.exit_when_idle_us = idle_us;
  auto res = engine::run(loaded.file, operators::registry(), opts);
  for (const auto& f : res.failures) BOOST_TEST_MESSAGE("failure: " << f);
  return res.exit_code;
}

std::string producer_pipe(const std::string& brokers, int from, int count) {
  return "pipeline gen_to_kafka {\n"
         "  source generate gen { count = " +
         std::to_string(count) + "  fields { id = seq() + " + std::to_string(from - 1) +
         "  amount = 12.50  kind = \"deposit\" } }\n"
         "  transform keyed from gen { key id }\n"
         "  sink kafka out from keyed { brokers = \"" +
         brokers +
         "\"  topic = \"gen.\" + @table  format = debezium }\n"
         "}\n";
}

std::string consumer_pipe(const std::string& brokers, const std::string& path) {
  return "pipeline kafka_to_file {\n"
         "  source kafka kin { brokers = \"" +
         brokers +
         "\"  topics = [\"gen.gen\"]  group = \"files\"  format = debezium\n"
         "    properties = [\"session.timeout.ms=6000\"] }\n"
         "  sink file out from kin { path = \"" +
         path +
         "\" }\n"
         "}\n";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kafka_pipeline)

BOOST_AUTO_TEST_CASE(generate_to_kafka_to_file_with_restart) {
  log::set_level(log::Level::Warn);
  test::KafkaMock mock;
  mock.create_topic("gen.gen", 2);
  test::TempDir dir;
  BOOST_REQUIRE_EQUAL(run_text(producer_pipe(mock.bootstrap(), 1, 40), dir.file("p"), 2000000), 0);
  auto msgs = mock.read_all("gen.gen", 40);
  BOOST_REQUIRE_EQUAL(msgs.size(), 40u);

  std::string out = dir.file("out.jsonl");
  BOOST_REQUIRE_EQUAL(run_text(consumer_pipe(mock.bootstrap(), out), dir.file("c"), 5000000), 0);
  auto lines = test::read_lines(out);
  BOOST_REQUIRE_EQUAL(lines.size(), 40u);
  auto first = json::parse(lines[0]);
  BOOST_REQUIRE(first.ok());
  const Value* after = first->as_object().find(intern("after"));
  BOOST_REQUIRE(after != nullptr);
  BOOST_CHECK(*after->as_object().find(intern("amount")) ==
              Value::decimal(*Decimal::parse("12.50")));

  // 20 more messages; the restarted consumer resumes from its checkpoint.
  BOOST_REQUIRE_EQUAL(run_text(producer_pipe(mock.bootstrap(), 41, 20), dir.file("p2"), 2000000),
                      0);
  BOOST_REQUIRE_EQUAL(mock.read_all("gen.gen", 60).size(), 60u);
  BOOST_REQUIRE_EQUAL(run_text(consumer_pipe(mock.bootstrap(), out), dir.file("c"), 10000000), 0);
  lines = test::read_lines(out);
  BOOST_REQUIRE_EQUAL(lines.size(), 60u);
  std::set<int64_t> ids;
  for (const auto& l : lines) {
    auto v = json::parse(l);
    BOOST_REQUIRE(v.ok());
    ids.insert(v->as_object().find(intern("after"))->as_object().find(intern("id"))->as_int());
  }
  BOOST_CHECK_EQUAL(ids.size(), 60u);
  BOOST_CHECK_EQUAL(*ids.begin(), 1);
  BOOST_CHECK_EQUAL(*ids.rbegin(), 60);
  BOOST_CHECK_EQUAL(mock.committed("files", "gen.gen", 0) + mock.committed("files", "gen.gen", 1),
                    60);
}

BOOST_AUTO_TEST_SUITE_END()
