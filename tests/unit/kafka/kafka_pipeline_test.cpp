// Pipelines through the engine: generate -> sink kafka (debezium), then source kafka -> file,
// restarted from its checkpoint with nothing lost or duplicated; the same with parallel
// consumers (`parallelism`), restarted under other parallelisms.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "base/json.h"
#include "base/logger.h"
#include "dsl/loader.h"
#include "engine/actors/checkpoint_store.h"
#include "engine/actors/runner.h"
#include "operators/kafka/partition_offsets.h"
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

std::string consumer_pipe(const std::string& brokers, const std::string& path,
                          int parallelism = 1) {
  const std::string session = parallelism > 1
                                  ? "\"session.timeout.ms=3000\", \"heartbeat.interval.ms=300\""
                                  : "\"session.timeout.ms=6000\"";
  return "pipeline kafka_to_file {\n"
         "  settings { checkpoint_interval = 200ms }\n"
         "  source kafka kin { brokers = \"" +
         brokers + "\"  parallelism = " + std::to_string(parallelism) +
         "\n    topics = [\"gen.gen\"]  group = \"files\"  format = debezium\n"
         "    properties = [" +
         session +
         "] }\n"
         "  sink file out from kin { path = \"" +
         path +
         "\" }\n"
         "}\n";
}

// The ids of the file's events, each with the number of times it is there.
std::map<int64_t, int> ids_in(const std::string& path) {
  std::map<int64_t, int> ids;
  for (const auto& l : test::read_lines(path)) {
    auto v = json::parse(l);
    BOOST_REQUIRE(v.ok());
    ++ids[v->as_object().find(intern("after"))->as_object().find(intern("id"))->as_int()];
  }
  return ids;
}

// The kafka source's instance states in the checkpoint under `dir` (instance 0 under
// "sources", the others under "stages"), read by the engine's own decoder.
std::vector<std::string> source_states(const std::string& dir) {
  std::string text;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir)) {
    if (f.path().filename() == "checkpoint.json") text = test::read_file(f.path().string());
  }
  auto cp = engine::CheckpointStore::decode(text);
  BOOST_REQUIRE_MESSAGE(cp.ok(), "checkpoint.json under " << dir);
  return cp->states_of("kin");
}

void check_each_once(const std::map<int64_t, int>& ids, int64_t n) {
  BOOST_CHECK_EQUAL(ids.size(), static_cast<size_t>(n));
  if (!ids.empty()) {
    BOOST_CHECK_EQUAL(ids.begin()->first, 1);
    BOOST_CHECK_EQUAL(ids.rbegin()->first, n);
  }
  int twice = 0;
  for (const auto& [id, times] : ids) twice += times > 1 ? 1 : 0;
  BOOST_CHECK_MESSAGE(twice == 0, twice << " ids more than once");
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

// Issue 20 point 4: `parallelism = 3` consumers in one process share a six-partition topic (each
// checkpoints the partitions it read); restarted with 2, then 4 consumers after more messages,
// every message is in the file exactly once and the group's offsets are all committed.
BOOST_AUTO_TEST_CASE(parallel_consumers_share_partitions_and_resume_under_other_parallelism) {
  log::set_level(log::Level::Warn);
  // A run ends after this long without a record: longer than the group's rebalances, each of
  // which waits up to a session timeout (3 s here) for members that left; three consumers
  // joining one after another can chain them (a run of this test under load ended after 8 s
  // with one consumer that had not started reading its partitions yet).
  constexpr int64_t kIdle = 15000000;
  test::KafkaMock mock;  // (its partitions keep 5 MB each: 1,000 envelopes fit)
  mock.create_topic("gen.gen", 6);
  test::TempDir dir;
  const std::string out = dir.file("out.jsonl");
  auto produce = [&](int from, int count) {
    BOOST_REQUIRE_EQUAL(run_text(producer_pipe(mock.bootstrap(), from, count),
                                 dir.file("p" + std::to_string(from)), 2000000),
                        0);
    BOOST_REQUIRE_EQUAL(mock.read_all("gen.gen", from - 1 + count).size(),
                        static_cast<size_t>(from - 1 + count));
  };
  auto committed = [&] {
    int64_t sum = 0;
    for (int p = 0; p < 6; ++p) sum += std::max<int64_t>(0, mock.committed("files", "gen.gen", p));
    return sum;
  };

  produce(1, 3000);
  BOOST_REQUIRE_EQUAL(run_text(consumer_pipe(mock.bootstrap(), out, 3), dir.file("c"), kIdle), 0);
  check_each_once(ids_in(out), 3000);
  // More than one consumer read: instances 1 and 2 have states of their own, and together
  // the three name all six partitions.
  auto states = source_states(dir.file("c"));
  BOOST_REQUIRE_EQUAL(states.size(), 3u);
  std::set<std::string> partitions;
  int reading = 0;
  for (const auto& s : states) {
    BOOST_TEST_MESSAGE("instance state: " << s);
    reading += s.empty() ? 0 : 1;
    auto offsets = operators::kafka::PartitionOffsets::decode(s);
    BOOST_REQUIRE(offsets.ok());
    for (const auto& [tp, next] : offsets->all()) partitions.insert(std::to_string(tp.second));
  }
  BOOST_CHECK_GE(reading, 2);
  BOOST_CHECK_EQUAL(partitions.size(), 6u);
  BOOST_CHECK_EQUAL(committed(), 3000);

  produce(3001, 1500);
  BOOST_REQUIRE_EQUAL(run_text(consumer_pipe(mock.bootstrap(), out, 2), dir.file("c"), kIdle), 0);
  check_each_once(ids_in(out), 4500);
  BOOST_CHECK_EQUAL(source_states(dir.file("c")).size(), 2u);

  produce(4501, 1500);
  BOOST_REQUIRE_EQUAL(run_text(consumer_pipe(mock.bootstrap(), out, 4), dir.file("c"), kIdle), 0);
  check_each_once(ids_in(out), 6000);
  BOOST_CHECK_EQUAL(committed(), 6000);
}

BOOST_AUTO_TEST_SUITE_END()
