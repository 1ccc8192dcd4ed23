// The actor runtime end to end with fake operators.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "base/secrets.h"
#include "engine/actors/checkpoint_store.h"
#include "engine/actors/failpoint.h"
#include "engine/actors/runner.h"
#include "fakes.h"

namespace fs = std::filesystem;
using namespace sluice;

namespace {

std::string temp_dir(const std::string& name) {
  auto d = fs::temp_directory_path() / ("sluice-engine-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d.string();
}

engine::RunOptions opts_for(const std::string& dir) {
  engine::RunOptions o;
  o.state_dir = dir;
  o.quiet = true;
  return o;
}

const engine::StageStats* stats_of(const engine::RunResult& r, const std::string& stage) {
  for (const auto& s : r.stats) {
    if (s.stage == stage) return &s;
  }
  return nullptr;
}

std::string read_file(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Fixture {
  Fixture() {
    unsetenv("SLUICE_FAILPOINT");
    engine::failpoint::reset();
    test::reset_fakes();
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(engine_runtime)

BOOST_FIXTURE_TEST_CASE(bounded_pipeline_completes_and_checkpoints, Fixture) {
  auto file = test::parse(R"(
pipeline p1 {
  settings { checkpoint_interval = 50ms  batch_size = 100 }
  source counter src { count = 1000 }
  transform pass from src { }
  sink store out from pass { }
}
)");
  auto reg = test::make_registry();
  auto dir = temp_dir("bounded");
  auto r = engine::run(*file, reg, opts_for(dir));
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.failures.empty());
  auto store = test::fakes().store("out");
  BOOST_REQUIRE_EQUAL(store->events.size(), 1000u);
  for (size_t i = 0; i < store->events.size(); ++i) BOOST_TEST(store->events[i].id == (int64_t)i);
  BOOST_TEST(!store->checkpoints.empty());
  BOOST_TEST(stats_of(r, "src")->out == 1000u);
  BOOST_TEST(stats_of(r, "pass")->in == 1000u);
  BOOST_TEST(stats_of(r, "out")->out == 1000u);

  // The checkpoint file holds the source position and every stage state.
  engine::CheckpointStore cs(dir + "/p1");
  auto cp = cs.load();
  BOOST_REQUIRE(cp.ok());
  BOOST_REQUIRE(cp->has_value());
  const auto& c = **cp;
  BOOST_TEST(c.sources.at("src") == "1000");
  BOOST_TEST(c.stages.at("pass").at(0) == "1000");
  BOOST_TEST(c.stages.at("out").at(0) == "1000");
  BOOST_TEST(read_file(dir + "/p1/checkpoint.json").find("\"checkpoint\":") != std::string::npos);
  BOOST_TEST(!fs::exists(dir + "/p1/checkpoint.json.tmp"));

  // A second run resumes from the checkpoint: open() receives the states, nothing is redone.
  auto r2 = engine::run(*file, reg, opts_for(dir));
  BOOST_TEST(r2.exit_code == 0);
  BOOST_TEST(test::fakes().opens_of("src").back() == "1000");
  BOOST_TEST(test::fakes().opens_of("pass").back() == "1000");
  BOOST_TEST(store->open_states.back() == "1000");
  BOOST_TEST(store->events.size() == 1000u);
  BOOST_TEST(stats_of(r2, "src")->out == 0u);
}

BOOST_FIXTURE_TEST_CASE(parallelism_keeps_order_per_key, Fixture) {
  auto file = test::parse(R"(
pipeline p2 {
  settings { batch_size = 256 }
  source counter src { count = 20000  key_mod = 16 }
  transform pass from src { parallelism = 4 }
  sink store out from pass { parallelism = 2 }
}
)");
  auto reg = test::make_registry();
  auto r = engine::run(*file, reg, opts_for(temp_dir("par")));
  BOOST_TEST(r.exit_code == 0);
  auto store = test::fakes().store("out");
  BOOST_REQUIRE_EQUAL(store->events.size(), 20000u);
  std::map<int64_t, int64_t> last;
  std::set<int64_t> seen;
  bool ordered = true;
  for (const auto& e : store->events) {
    auto it = last.find(e.key);
    if (it != last.end() && it->second >= e.id) ordered = false;
    last[e.key] = e.id;
    seen.insert(e.id);
    BOOST_CHECK_EQUAL(e.key, e.id % 16);
  }
  BOOST_TEST(ordered);
  BOOST_TEST(seen.size() == 20000u);
  BOOST_TEST(last.size() == 16u);
  auto cp = engine::CheckpointStore(temp_dir("par") + "/p2").load();  // fresh dir: none
  BOOST_TEST(!cp->has_value());
}

BOOST_FIXTURE_TEST_CASE(credit_bounds_in_flight_records, Fixture) {
  auto file = test::parse(R"(
pipeline p3 {
  settings { batch_size = 500 }
  source counter src { count = 20000 }
  sink store out from src { buffer = 2000  delay_us = 2000 }
}
)");
  auto reg = test::make_registry();
  auto r = engine::run(*file, reg, opts_for(temp_dir("credit")));
  BOOST_TEST(r.exit_code == 0);
  auto store = test::fakes().store("out");
  BOOST_TEST(store->events.size() == 20000u);
  BOOST_TEST_MESSAGE("max in flight " << store->max_in_flight);
  BOOST_TEST(store->max_in_flight <= 2000 + 500);
  BOOST_TEST(store->max_in_flight >= 500);
}

BOOST_FIXTURE_TEST_CASE(failpoint_restart_is_exactly_once, Fixture) {
  setenv("SLUICE_FAILPOINT", "pass:15000", 1);
  engine::failpoint::reset();
  auto file = test::parse(R"(
pipeline p4 {
  settings { checkpoint_interval = 5ms  batch_size = 100  restart_backoff = fixed(10ms) }
  source counter src { count = 20000  pace_us = 300 }
  transform pass from src { }
  sink store out from pass { }
}
)");
  auto reg = test::make_registry();
  auto dir = temp_dir("failpoint");
  auto r = engine::run(*file, reg, opts_for(dir));
  unsetenv("SLUICE_FAILPOINT");
  engine::failpoint::reset();
  BOOST_TEST(r.exit_code == 0);
  auto store = test::fakes().store("out");
  BOOST_REQUIRE_EQUAL(store->events.size(), 20000u);
  bool exact = true;
  for (size_t i = 0; i < store->events.size(); ++i)
    exact = exact && store->events[i].id == (int64_t)i;
  BOOST_TEST(exact);
  BOOST_TEST(stats_of(r, "pass")->restarts == 1u);
  // After the restart the source resumed from a checkpointed position, not from 0.
  auto opens = test::fakes().opens_of("src");
  BOOST_REQUIRE_EQUAL(opens.size(), 2u);
  BOOST_TEST(opens[0] == "");
  BOOST_TEST(!opens[1].empty());
  BOOST_TEST(store->open_states.size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(restart_budget_exhausted_fails_with_reason, Fixture) {
  auto file = test::parse(R"(
pipeline p5 {
  settings { restart_attempts = 2  restart_backoff = fixed(10ms) }
  source counter src { count = 100 }
  transform boom from src { }
  sink store out from boom { }
}
pipeline p5ok {
  source counter src { count = 300 }
  sink store ok from src { }
}
)");
  auto reg = test::make_registry();
  auto r = engine::run(*file, reg, opts_for(temp_dir("budget")));
  BOOST_TEST(r.exit_code == 3);
  BOOST_REQUIRE_EQUAL(r.failures.size(), 1u);
  BOOST_TEST_MESSAGE(r.failures[0]);
  BOOST_TEST(r.failures[0].find("p5") != std::string::npos);
  BOOST_TEST(r.failures[0].find("boom") != std::string::npos);
  BOOST_TEST(r.failures[0].find("3 times") != std::string::npos);
  BOOST_TEST(stats_of(r, "boom")->restarts == 3u);
  // The other pipeline kept running to completion.
  BOOST_TEST(test::fakes().store("ok")->events.size() == 300u);
}

BOOST_FIXTURE_TEST_CASE(transient_failures_are_retried, Fixture) {
  auto file = test::parse(R"(
pipeline p6 {
  source counter src { count = 500 }
  sink store out from src { fail_times = 3  retry { attempts = 5  backoff = fixed(10ms) } }
}
)");
  auto reg = test::make_registry();
  auto r = engine::run(*file, reg, opts_for(temp_dir("retry")));
  BOOST_TEST(r.exit_code == 0);
  auto store = test::fakes().store("out");
  BOOST_REQUIRE_EQUAL(store->events.size(), 500u);
  for (size_t i = 0; i < 500; ++i) BOOST_CHECK_EQUAL(store->events[i].id, (int64_t)i);
  BOOST_TEST(stats_of(r, "out")->retries == 3u);
}

BOOST_FIXTURE_TEST_CASE(retries_exhausted_go_to_dead_letter, Fixture) {
  auto file = test::parse(R"(
pipeline p6b {
  settings { batch_size = 1000 }
  source counter src { count = 10 }
  sink store out from src { fail_times = 2  retry { attempts = 2  backoff = fixed(5ms) }  dead_letter = dlq }
  sink store dlq { }
}
)");
  auto reg = test::make_registry();
  auto r = engine::run(*file, reg, opts_for(temp_dir("exhausted")));
  BOOST_TEST(r.exit_code == 0);
  auto dlq = test::fakes().store("dlq");
  BOOST_REQUIRE_EQUAL(dlq->events.size(), 10u);
  BOOST_TEST(dlq->events[0].dead->kind() == "retries_exhausted");
  BOOST_TEST(dlq->events[0].dead->attempts == 2);
  BOOST_TEST(dlq->events[0].dead->stage == "out");
  BOOST_TEST(test::fakes().store("out")->events.empty());
}

BOOST_FIXTURE_TEST_CASE(dead_letters_carry_stage_kind_message_attempts_position, Fixture) {
  secrets::add("hunter2");
  auto file = test::parse(R"(
pipeline p7 {
  settings { batch_size = 64 }
  source counter src { count = 100 }
  transform odd from src { dead_letter = dlq }
  sink store out from odd { }
  sink store dlq { }
}
)");
  auto reg = test::make_registry();
  auto dir = temp_dir("dlq");
  auto r = engine::run(*file, reg, opts_for(dir));
  BOOST_TEST(r.exit_code == 0);
  auto out = test::fakes().store("out");
  auto dlq = test::fakes().store("dlq");
  BOOST_TEST(out->events.size() == 50u);
  BOOST_REQUIRE_EQUAL(dlq->events.size(), 50u);
  for (const auto& e : dlq->events) {
    BOOST_REQUIRE(e.dead);
    BOOST_CHECK_EQUAL(e.id % 2, 1);
    BOOST_CHECK_EQUAL(e.dead->stage, "odd");
    BOOST_CHECK_EQUAL(e.dead->kind(), "require");
    BOOST_CHECK_EQUAL(e.dead->message, "odd id (token ***)");
    BOOST_CHECK_EQUAL(e.dead->attempts, 1);
    BOOST_CHECK(e.dead->at > 0);
    BOOST_CHECK(e.position == Value::int64(e.id));
  }
  BOOST_TEST(stats_of(r, "odd")->dead == 50u);
  // the dead-letter sink took part in the checkpoints
  BOOST_TEST(!dlq->checkpoints.empty());
  auto cp = engine::CheckpointStore(dir + "/p7").load();
  BOOST_TEST((*cp)->stages.at("dlq").at(0) == "50");
}

BOOST_FIXTURE_TEST_CASE(on_error_fail_stops_with_position, Fixture) {
  auto file = test::parse(R"(
pipeline p7f {
  source counter src { count = 100 }
  transform odd from src { }
  sink store out from odd { }
}
)");
  auto reg = test::make_registry();
  auto r = engine::run(*file, reg, opts_for(temp_dir("fail")));
  BOOST_TEST(r.exit_code == 3);
  BOOST_REQUIRE_EQUAL(r.failures.size(), 1u);
  BOOST_TEST_MESSAGE(r.failures[0]);
  BOOST_TEST(r.failures[0].find("'odd'") != std::string::npos);
  BOOST_TEST(r.failures[0].find("position 1") != std::string::npos);
  BOOST_TEST(r.failures[0].find("hunter2") == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(on_error_skip_drops, Fixture) {
  auto file = test::parse(R"(
pipeline p7s {
  source counter src { count = 100 }
  transform odd from src { on_error = skip }
  sink store out from odd { }
}
)");
  auto reg = test::make_registry();
  auto r = engine::run(*file, reg, opts_for(temp_dir("skip")));
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(test::fakes().store("out")->events.size() == 50u);
  BOOST_TEST(stats_of(r, "odd")->dead == 50u);
}

BOOST_FIXTURE_TEST_CASE(rate_limit_paces_the_stage, Fixture) {
  auto file = test::parse(R"(
pipeline p8 {
  source counter src { count = 10000 }
  transform pass from src { rate_limit = 5000/s }
  sink store out from pass { }
}
)");
  auto reg = test::make_registry();
  auto t0 = std::chrono::steady_clock::now();
  auto r = engine::run(*file, reg, opts_for(temp_dir("rate")));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  BOOST_TEST_MESSAGE("10000 records at 5000/s took " << secs << " s");
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(test::fakes().store("out")->events.size() == 10000u);
  BOOST_TEST(secs >= 1.6);
  BOOST_TEST(secs <= 3.5);
}

BOOST_FIXTURE_TEST_CASE(request_stop_drains_and_checkpoints, Fixture) {
  auto file = test::parse(R"(
pipeline p9 {
  settings { batch_size = 100 }
  source counter src { pace_us = 500 }
  transform pass from src { parallelism = 2 }
  sink store out from pass { }
}
)");
  auto reg = test::make_registry();
  auto dir = temp_dir("stop");
  std::thread stopper([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    engine::request_stop();
  });
  auto r = engine::run(*file, reg, opts_for(dir));
  stopper.join();
  BOOST_TEST(r.exit_code == 0);
  auto store = test::fakes().store("out");
  BOOST_TEST(store->events.size() > 0u);
  auto cp = engine::CheckpointStore(dir + "/p9").load();
  BOOST_REQUIRE(cp->has_value());
  // Everything read was drained into the sink before the final checkpoint.
  BOOST_TEST((*cp)->sources.at("src") == std::to_string(store->events.size()));
  BOOST_TEST((*cp)->stages.at("out").at(0) == std::to_string(store->events.size()));
}

BOOST_FIXTURE_TEST_CASE(exit_when_idle_with_unbounded_source, Fixture) {
  auto file = test::parse(R"(
pipeline p10 {
  source counter src { idle_after = 300 }
  sink store out from src { }
}
)");
  auto reg = test::make_registry();
  auto o = opts_for(temp_dir("idle"));
  o.exit_when_idle_us = 300'000;
  auto t0 = std::chrono::steady_clock::now();
  auto r = engine::run(*file, reg, o);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(test::fakes().store("out")->events.size() == 300u);
  BOOST_TEST(secs < 3.0);
}

// A checkpoint slower than the checkpoint interval (a big state kept in memory) keeps one
// pending at all times; once no record moves, those periodic checkpoints are not activity.
BOOST_FIXTURE_TEST_CASE(exit_when_idle_while_slow_checkpoints_follow_each_other, Fixture) {
  auto file = test::parse(R"(
pipeline p10s {
  settings { checkpoint_interval = 100ms }
  source counter src { idle_after = 300 }
  sink store out from src { checkpoint_delay_us = 400000 }
}
)");
  auto reg = test::make_registry();
  auto o = opts_for(temp_dir("idle_slow"));
  o.exit_when_idle_us = 1'000'000;
  auto t0 = std::chrono::steady_clock::now();
  auto r = engine::run(*file, reg, o);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(test::fakes().store("out")->events.size() == 300u);
  BOOST_TEST(secs < 6.0);
}

BOOST_FIXTURE_TEST_CASE(unsupported_stage_kind_fails_clearly, Fixture) {
  auto reg = test::make_registry();
  ast::File f;
  ast::Pipeline p;
  p.name = "p11";
  ast::Stage src;
  src.type = ast::StageType::Source;
  src.kind = "counter";
  src.name = "src";
  p.stages.push_back(std::move(src));
  ast::Stage agg;
  agg.type = ast::StageType::Processor;
  agg.kind = "aggregate";
  agg.name = "agg";
  agg.from.push_back({"src", {}});
  p.stages.push_back(std::move(agg));
  f.pipelines.push_back(std::move(p));
  auto r = engine::run(f, reg, opts_for(temp_dir("unsupported")));
  BOOST_TEST(r.exit_code == 3);
  BOOST_REQUIRE_EQUAL(r.failures.size(), 1u);
  BOOST_TEST(r.failures[0].find("unknown processor kind 'aggregate'") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(two_inputs_align_barriers_and_fan_out, Fixture) {
  auto file = test::parse(R"(
pipeline p12 {
  settings { checkpoint_interval = 10ms  batch_size = 50 }
  source counter a { count = 3000  pace_us = 100 }
  source counter b { count = 1000 }
  transform both from a, b { parallelism = 3 }
  sink store out1 from both { }
  sink store out2 from both { buffer = 100 }
}
)");
  auto reg = test::make_registry();
  auto dir = temp_dir("align");
  auto r = engine::run(*file, reg, opts_for(dir));
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(test::fakes().store("out1")->events.size() == 4000u);
  BOOST_TEST(test::fakes().store("out2")->events.size() == 4000u);
  auto cp = engine::CheckpointStore(dir + "/p12").load();
  BOOST_REQUIRE(cp->has_value());
  BOOST_TEST((*cp)->sources.at("a") == "3000");
  BOOST_TEST((*cp)->sources.at("b") == "1000");
  const auto& st = (*cp)->stages.at("both");
  BOOST_REQUIRE_EQUAL(st.size(), 3u);
  BOOST_TEST(std::stoll(st[0]) + std::stoll(st[1]) + std::stoll(st[2]) == 4000);
  BOOST_TEST(test::fakes().store("out1")->checkpoints.size() > 1u);
}

BOOST_FIXTURE_TEST_CASE(stop_under_backpressure_drains, Fixture) {
  auto file = test::parse(R"(
pipeline p13 {
  settings { batch_size = 200 }
  source counter src { }
  sink store out from src { buffer = 1000  delay_us = 1000 }
}
)");
  auto reg = test::make_registry();
  auto dir = temp_dir("stop2");
  std::thread stopper([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    engine::request_stop();
  });
  auto r = engine::run(*file, reg, opts_for(dir));
  stopper.join();
  BOOST_TEST(r.exit_code == 0);
  auto store = test::fakes().store("out");
  auto cp = engine::CheckpointStore(dir + "/p13").load();
  BOOST_REQUIRE(cp->has_value());
  BOOST_TEST((*cp)->sources.at("src") == std::to_string(store->events.size()));
  BOOST_TEST(test::fakes().emitted_of("src").load() == (int64_t)store->events.size());
}

BOOST_FIXTURE_TEST_CASE(throughput_smoke, Fixture) {
  auto file = test::parse(R"(
pipeline p14 {
  source counter src { count = 1000000 }
  transform pass from src { }
  sink store out from pass { discard = true }
}
)");
  auto reg = test::make_registry();
  auto t0 = std::chrono::steady_clock::now();
  auto r = engine::run(*file, reg, opts_for(temp_dir("speed")));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  BOOST_TEST_MESSAGE("1M records source->transform->sink: " << 1e6 / secs << " records/s");
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(stats_of(r, "out")->out == 1000000u);
}

BOOST_AUTO_TEST_SUITE_END()
