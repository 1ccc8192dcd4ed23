// Hot reload on one node (issue 7): a paced source keeps producing while the graph is
// reloaded several times; every record reaches the sink exactly once, unchanged stages keep
// their actors (opened once), replaced ones restart from the checkpointed state.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "engine/actors/failpoint.h"
#include "engine/actors/reloader.h"
#include "engine/actors/runner.h"
#include "engine/actors/stage_diff.h"
#include "fakes.h"

namespace fs = std::filesystem;
using namespace sluice;

namespace {

std::string temp_dir(const std::string& name) {
  auto d = fs::temp_directory_path() / ("sluice-reload-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d.string();
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Reloads, retrying while run() has not attached yet.
engine::ReloadReport reload(engine::Reloader& r, const std::string& text) {
  auto file = test::parse(text);
  for (int i = 0; i < 200; ++i) {
    auto rep = r.reload(file);
    if (rep.error != "no pipelines are running") return rep;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return {};
}

const engine::PipelineReload* outcome(const engine::ReloadReport& r, const std::string& p) {
  for (const auto& x : r.pipelines) {
    if (x.pipeline == p) return &x;
  }
  return nullptr;
}

// ~10,000 records/s: 10 per poll, 1 ms per poll.
const char* kHead = R"(
pipeline r {
  settings { checkpoint_interval = 200ms  batch_size = 10 }
  source counter src { count = 40000  pace_us = 1000 }
)";

// Joins the runner thread even when a REQUIRE fails (stops the engine first).
struct Joiner {
  std::thread& t;
  ~Joiner() {
    if (t.joinable()) {
      engine::request_stop();
      t.join();
    }
  }
};

std::string describe(const engine::ReloadReport& r) {
  std::string o = r.error;
  for (const auto& p : r.pipelines) o += " [" + p.pipeline + ": " + p.action + " " + p.error + "]";
  return o;
}

struct Fixture {
  Fixture() {
    unsetenv("SLUICE_FAILPOINT");
    engine::failpoint::reset();
    test::reset_fakes();
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(engine_reload)

BOOST_FIXTURE_TEST_CASE(reloads_under_load_lose_and_duplicate_nothing, Fixture) {
  const std::string v1 = std::string(kHead) + R"(
  transform pass from src { }
  transform keep1 from pass { }
  sink store out from keep1 { }
}
pipeline z {
  settings { checkpoint_interval = 200ms }
  source counter zsrc { pace_us = 2000 }
  sink store zout from zsrc { }
}
)";
  // 2: the transform's statements change
  const std::string v2 = std::string(kHead) + R"(
  transform pass from src { set tag = 2 }
  transform keep1 from pass { }
  sink store out from keep1 { }
}
pipeline z {
  settings { checkpoint_interval = 200ms }
  source counter zsrc { pace_us = 2000 }
  sink store zout from zsrc { }
}
)";
  // 3: a stage is added between keep1 and the sink; pipeline z is removed
  const std::string v3 = std::string(kHead) + R"(
  transform pass from src { set tag = 2 }
  transform keep1 from pass { }
  transform extra from keep1 { }
  sink store out from extra { }
}
)";
  // 4: a sink option changes; a new pipeline q is added
  const std::string v4 = std::string(kHead) + R"(
  transform pass from src { set tag = 2 }
  transform keep1 from pass { }
  transform extra from keep1 { }
  sink store out from extra { buffer = 5000 }
}
pipeline q {
  settings { checkpoint_interval = 100ms }
  source counter qsrc { count = 500 }
  sink store qout from qsrc { }
}
)";
  // 5: the added stage is removed again, the transform changes back
  const std::string v5 = std::string(kHead) + R"(
  transform pass from src { }
  transform keep1 from pass { }
  sink store out from keep1 { buffer = 5000 }
}
pipeline q {
  settings { checkpoint_interval = 100ms }
  source counter qsrc { count = 500 }
  sink store qout from qsrc { }
}
)";
  auto file = test::parse(v1);
  auto reg = test::make_registry();
  auto dir = temp_dir("load");
  engine::RunOptions o;
  o.state_dir = dir;
  o.quiet = std::getenv("SLUICE_TEST_VERBOSE") == nullptr;
  o.reloader = std::make_shared<engine::Reloader>();
  o.threads = 4;  // the fake sources sleep in poll(): keep threads for the other actors
  engine::RunResult res;
  std::thread runner([&] { res = engine::run(*file, reg, o); });
  Joiner joiner{runner};

  std::vector<int64_t> pauses;
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  auto r2 = reload(*o.reloader, v2);
  BOOST_TEST_INFO(describe(r2));
  BOOST_REQUIRE(r2.ok);
  auto* p2 = outcome(r2, "r");
  BOOST_REQUIRE(p2 != nullptr);
  BOOST_TEST(p2->action == "reloaded");
  BOOST_TEST(p2->replaced == std::vector<std::string>{"pass"});
  BOOST_TEST(has(p2->kept, "src"));
  BOOST_TEST(has(p2->kept, "keep1"));
  BOOST_TEST(has(p2->kept, "out"));
  BOOST_REQUIRE(outcome(r2, "z") != nullptr);
  BOOST_TEST(outcome(r2, "z")->action == "unchanged");
  pauses.push_back(p2->pause_us);

  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto r3 = reload(*o.reloader, v3);
  BOOST_TEST_INFO(describe(r3));
  BOOST_REQUIRE(r3.ok);
  auto* p3 = outcome(r3, "r");
  BOOST_REQUIRE(p3 != nullptr);
  BOOST_TEST(p3->added == std::vector<std::string>{"extra"});
  BOOST_TEST(p3->replaced == std::vector<std::string>{"out"});  // its input changed
  BOOST_TEST(has(p3->kept, "keep1"));
  BOOST_TEST(has(p3->kept, "pass"));
  BOOST_REQUIRE(outcome(r3, "z") != nullptr);
  BOOST_TEST(outcome(r3, "z")->action == "stopped");
  pauses.push_back(p3->pause_us);

  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto r4 = reload(*o.reloader, v4);
  BOOST_TEST_INFO(describe(r4));
  BOOST_REQUIRE(r4.ok);
  auto* p4 = outcome(r4, "r");
  BOOST_REQUIRE(p4 != nullptr);
  BOOST_TEST(p4->replaced == std::vector<std::string>{"out"});
  BOOST_TEST(has(p4->kept, "extra"));
  BOOST_REQUIRE(outcome(r4, "q") != nullptr);
  BOOST_TEST(outcome(r4, "q")->action == "started");
  pauses.push_back(p4->pause_us);

  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto r5 = reload(*o.reloader, v5);
  BOOST_TEST_INFO(describe(r5));
  BOOST_REQUIRE(r5.ok);
  auto* p5 = outcome(r5, "r");
  BOOST_REQUIRE(p5 != nullptr);
  BOOST_TEST(p5->removed == std::vector<std::string>{"extra"});
  BOOST_TEST(has(p5->replaced, "pass"));
  BOOST_TEST(has(p5->replaced, "out"));
  BOOST_TEST(has(p5->kept, "keep1"));
  pauses.push_back(p5->pause_us);

  // Still producing after the last reload: the reloads happened under load.
  BOOST_TEST(test::fakes().emitted_of("src").load() < 40000);
  runner.join();
  BOOST_TEST(res.exit_code == 0);
  for (const auto& f : res.failures) BOOST_TEST_MESSAGE(f);

  auto out = test::fakes().store("out");
  std::vector<int64_t> ids;
  for (const auto& e : out->events) ids.push_back(e.id);
  std::sort(ids.begin(), ids.end());
  BOOST_REQUIRE_EQUAL(ids.size(), 40000u);
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] != static_cast<int64_t>(i)) {
      BOOST_ERROR("key " << i << " lost or duplicated (found " << ids[i] << ")");
      break;
    }
  }
  BOOST_TEST(test::fakes().store("qout")->events.size() == 500u);
  // Unchanged stages keep their actors: opened once. Replaced ones get the checkpointed state.
  BOOST_TEST(test::fakes().opens_of("src").size() == 1u);
  BOOST_TEST(test::fakes().opens_of("keep1").size() == 1u);
  auto pass_opens = test::fakes().opens_of("pass");
  BOOST_REQUIRE_EQUAL(pass_opens.size(), 3u);
  BOOST_TEST(!pass_opens[1].empty());  // the count so far, from checkpoint
  BOOST_TEST(std::stoll(pass_opens[2]) > std::stoll(pass_opens[1]));
  BOOST_TEST(out->open_states.size() == 4u);  // v1, v3, v4, v5
  for (auto p : pauses) {
    BOOST_TEST_MESSAGE("reload pause " << p / 1000 << " ms");
    BOOST_TEST(p < 1'000'000);
  }
}

BOOST_FIXTURE_TEST_CASE(reload_of_an_unknown_pipeline_is_refused, Fixture) {
  const std::string v1 = std::string(kHead) + R"(
  sink store out from src { }
}
)";
  // A stage kind the registry does not know: planning fails, the old graph resumes.
  const std::string v2 = std::string(kHead) + R"(
  transform pass from src { }
  sink store out from pass { }
}
)";
  auto file = test::parse(v1);
  auto reg = test::make_registry();
  auto dir = temp_dir("refused");
  engine::RunOptions o;
  o.state_dir = dir;
  o.quiet = true;
  o.reloader = std::make_shared<engine::Reloader>();
  o.threads = 4;  // the fake sources sleep in poll(): keep threads for the other actors
  engine::RunResult res;
  std::thread runner([&] { res = engine::run(*file, reg, o); });
  Joiner joiner{runner};
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // Only one pipeline named: an unknown name is an error, nothing changes.
  auto bad = o.reloader->reload(test::parse(v2), "nope");
  BOOST_TEST(!bad.ok);
  BOOST_TEST(bad.error.find("nope") != std::string::npos);
  auto ok = reload(*o.reloader, v2);
  BOOST_TEST_INFO(describe(ok));
  BOOST_TEST(ok.ok);
  runner.join();
  BOOST_TEST(res.exit_code == 0);
  auto out = test::fakes().store("out");
  BOOST_TEST(out->events.size() == 40000u);
}

BOOST_AUTO_TEST_CASE(stage_diff_ignores_layout_and_sees_definition_changes) {
  auto a = test::parse(R"(
pipeline p {
  source counter src { count = 10 }
  transform t from src { set x = 1.50 }
  sink store out from t { delay_us = 0 }
}
)");
  auto b = test::parse(R"(
# a comment, other spacing
pipeline p {
  source counter src {
    count = 10
  }
  transform t from src {
    set x = 1.50   // same
  }
  sink store out from t { delay_us = 0 }
}
)");
  auto c = test::parse(R"(
pipeline p {
  source counter src { count = 11 }
  transform t from src { set x = 1.5 }
  sink store out from t { delay_us = 0  buffer = 100 }
}
)");
  const auto& pa = a->pipelines[0];
  const auto& pb = b->pipelines[0];
  const auto& pc = c->pipelines[0];
  for (size_t i = 0; i < 3; ++i) {
    BOOST_TEST(engine::same_stage(pa.stages[i], pb.stages[i]));
    BOOST_TEST(!engine::same_stage(pa.stages[i], pc.stages[i]));  // 1.50 != 1.5 (scale)
  }
  BOOST_TEST(engine::same_settings(pa, pb));
}

BOOST_AUTO_TEST_SUITE_END()
