// End-to-end runs of the sluice binary: exactly-once file sink across restarts, SIGTERM drain,
// supervisor restarts, dead letters, secrets, bounded memory.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <thread>

#include "integration/run_support.h"

using namespace sluice;
using namespace sluice::test;
using namespace std::chrono_literals;

namespace {
std::string gen_pipeline(const TempDir& dir, const std::string& gen_opts,
                         const std::string& transform = "", const std::string& extra = "") {
  return "pipeline p {\n"
         "  settings { state_dir = \"" +
         dir.file("state") +
         "\"  checkpoint_interval = 200ms }\n"
         "  source generate gen {\n    " +
         gen_opts +
         "\n    fields { n = seq()  name = \"user-\" + to_string(seq()) }\n  }\n"
         "  transform t from gen {\n    set doubled = n * 2\n    " +
         transform +
         "\n  }\n"
         "  sink file out from t { path = \"" +
         dir.file("out.jsonl") + "\" }\n" + extra + "}\n";
}

void expect_contiguous(const std::vector<int64_t>& ns, int64_t from, int64_t to) {
  BOOST_REQUIRE_EQUAL(ns.size(), static_cast<size_t>(to - from + 1));
  for (size_t i = 0; i < ns.size(); ++i) {
    if (ns[i] != from + static_cast<int64_t>(i)) {
      BOOST_FAIL("record " << i << " is " << ns[i] << ", expected "
                           << from + static_cast<int64_t>(i));
    }
  }
}
}  // namespace

BOOST_AUTO_TEST_SUITE(run)

BOOST_AUTO_TEST_CASE(bounded_generate_to_file) {
  TempDir dir;
  write_file(dir.file("p.pipe"), gen_pipeline(dir, "count = 5000"));
  auto r = run_sluice({"run", dir.file("p.pipe")});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto rows = read_jsonl(dir.file("out.jsonl"));
  BOOST_REQUIRE_EQUAL(rows.size(), 5000u);
  const Value& first = rows.front();
  BOOST_TEST(get(first, "op")->as_string() == "c");
  BOOST_TEST(get(first, "after", "n")->as_int() == 1);
  BOOST_TEST(get(first, "after", "doubled")->as_int() == 2);
  BOOST_TEST(get(first, "after", "name")->as_string() == "user-1");
  expect_contiguous(after_ints(dir.file("out.jsonl"), "n"), 1, 5000);
  // Summary names the stages.
  BOOST_TEST(r.err.find("gen") != std::string::npos);
}

// issue 21 (point 4): one `sluice run` per state directory. A second process on the same
// state_dir fails at once (exit 3, naming the first one's pid) and the first keeps running;
// after the first is gone (even by kill -9) the directory is free again.
BOOST_AUTO_TEST_CASE(a_second_run_on_the_same_state_dir_refuses_to_start) {
  TempDir dir;
  write_file(dir.file("p.pipe"), gen_pipeline(dir, "rate = 2000/s"));
  Child first({sluice_bin(), "run", dir.file("p.pipe")});
  for (int i = 0; i < 100 && !std::filesystem::exists(dir.file("out.jsonl")); ++i) {
    std::this_thread::sleep_for(50ms);
  }
  auto second = run_sluice({"run", dir.file("p.pipe")}, {}, "", 30s);
  BOOST_TEST(second.exit_code == 3, second.err);
  BOOST_TEST(second.err.find("is in use by another sluice process (pid " +
                             std::to_string(first.pid()) + ")") != std::string::npos,
             second.err);
  BOOST_TEST(::kill(first.pid(), 0) == 0);  // the first one is unharmed
  first.signal(SIGKILL);
  first.wait(10s);
  write_file(dir.file("q.pipe"), gen_pipeline(dir, "count = 10"));
  auto third = run_sluice({"run", dir.file("q.pipe")}, {}, "", 60s);
  BOOST_TEST(third.exit_code == 0, third.err);
  // State files are the owner's alone (issue 21, point 5).
  for (const char* f : {"/checkpoint.json", "/.lock"}) {
    auto perms = std::filesystem::status(dir.file("state") + f).permissions();
    BOOST_TEST(
        (perms == (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write)), f);
  }
}

BOOST_AUTO_TEST_CASE(sigterm_drains_checkpoints_and_resumes_exactly_once) {
  TempDir dir;
  write_file(dir.file("p.pipe"), gen_pipeline(dir, "rate = 20000/s"));
  {
    Child c({sluice_bin(), "run", dir.file("p.pipe")});
    std::this_thread::sleep_for(1500ms);
    c.signal(SIGTERM);
    auto r = c.wait(30s);
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  }
  auto first = after_ints(dir.file("out.jsonl"), "n");
  BOOST_REQUIRE(first.size() > 1000);
  expect_contiguous(first, 1, static_cast<int64_t>(first.size()));
  {
    Child c({sluice_bin(), "run", dir.file("p.pipe")});
    std::this_thread::sleep_for(1500ms);
    c.signal(SIGINT);
    auto r = c.wait(30s);
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  }
  auto second = after_ints(dir.file("out.jsonl"), "n");
  BOOST_TEST(second.size() > first.size());
  expect_contiguous(second, 1, static_cast<int64_t>(second.size()));
}

BOOST_AUTO_TEST_CASE(kill_9_then_restart_is_exactly_once) {
  TempDir dir;
  write_file(dir.file("p.pipe"), gen_pipeline(dir, "count = 200000\n    rate = 50000/s"));
  {
    Child c({sluice_bin(), "run", dir.file("p.pipe")});
    std::this_thread::sleep_for(1500ms);
    c.signal(SIGKILL);
    c.wait(10s);
  }
  auto r = run_sluice({"run", dir.file("p.pipe")});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  expect_contiguous(after_ints(dir.file("out.jsonl"), "n"), 1, 200000);
}

BOOST_AUTO_TEST_CASE(stage_that_throws_is_restarted_and_sink_is_exactly_once) {
  TempDir dir;
  write_file(dir.file("p.pipe"), gen_pipeline(dir, "count = 50000\n    rate = 100000/s"));
  auto r = run_sluice({"run", dir.file("p.pipe")}, {"SLUICE_FAILPOINT=t:30000"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  BOOST_TEST(r.err.find("restart") != std::string::npos, r.err);
  expect_contiguous(after_ints(dir.file("out.jsonl"), "n"), 1, 50000);
}

BOOST_AUTO_TEST_CASE(dead_letters_carry_stage_error_and_position) {
  TempDir dir;
  write_file(
      dir.file("p.pipe"),
      gen_pipeline(
          dir, "count = 1000",
          "require n % 10 != 0 else \"n must not be a multiple of ten\"\n    dead_letter = dlq",
          "  sink file dlq { path = \"" + dir.file("dlq.jsonl") + "\" }\n"));
  auto r = run_sluice({"run", dir.file("p.pipe")});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  BOOST_TEST(read_lines(dir.file("out.jsonl")).size() == 900u);
  auto dead = read_jsonl(dir.file("dlq.jsonl"));
  BOOST_REQUIRE_EQUAL(dead.size(), 100u);
  const Value& d = dead.front();
  BOOST_TEST(get(d, "error", "stage")->as_string() == "t");
  BOOST_TEST(get(d, "error", "kind")->as_string() == "require");
  BOOST_TEST(get(d, "error", "code")->as_string() == "engine.require_failed");
  BOOST_TEST(get(d, "error", "message")->as_string() == "n must not be a multiple of ten");
  BOOST_TEST(get(d, "error", "attempts") != nullptr);
  BOOST_TEST(get(d, "error", "at") != nullptr);
  BOOST_TEST(get(d, "error", "position") != nullptr);
  BOOST_TEST(get(d, "error", "position")->to_display() == "10");
  const Value* ev = get(d, "event");
  BOOST_REQUIRE(ev);
  BOOST_TEST(get(*ev, "after", "n")->as_int() == 10);
}

BOOST_AUTO_TEST_CASE(failure_without_dead_letter_exits_3) {
  TempDir dir;
  write_file(dir.file("p.pipe"),
             gen_pipeline(dir, "count = 100", "require n < 50 else \"too big\""));
  auto r = run_sluice({"run", dir.file("p.pipe")});
  BOOST_TEST(r.exit_code == 3, r.err);
  BOOST_TEST(r.err.find("too big") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(secrets_never_printed) {
  TempDir dir;
  const std::string secret = "s3cr3t-Vx9-hunter2";
  std::string text =
      "pipeline p {\n"
      "  settings { state_dir = \"" +
      dir.file("state") +
      "\" }\n"
      "  source generate gen { count = 10  fields { n = seq() } }\n"
      "  sink file out from gen { path = \"/proc/sluice-no-such-dir/\" + "
      "secret(\"SLUICE_TEST_SECRET\") }\n"
      "}\n";
  write_file(dir.file("p.pipe"), text);
  std::vector<std::string> env{"SLUICE_TEST_SECRET=" + secret};
  auto run = run_sluice({"run", dir.file("p.pipe")}, env);
  BOOST_TEST(run.exit_code == 3, run.err);
  BOOST_TEST(run.err.find(secret) == std::string::npos, run.err);
  BOOST_TEST(run.out.find(secret) == std::string::npos);
  BOOST_TEST(run.err.find("***") != std::string::npos, run.err);
  auto graph = run_sluice({"graph", dir.file("p.pipe")}, env);
  BOOST_TEST(graph.exit_code == 0, graph.err);
  BOOST_TEST(graph.out.find(secret) == std::string::npos);
  auto check = run_sluice({"check", dir.file("p.pipe")}, env);
  BOOST_TEST(check.out.find(secret) == std::string::npos);
  BOOST_TEST(check.err.find(secret) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(memory_bounded_under_rate_limit) {
  // 3 million records through a stage limited far below the source's speed: backpressure must
  // hold the source back instead of buffering.
  TempDir dir;
  write_file(dir.file("p.pipe"),
             "pipeline p {\n"
             "  settings { state_dir = \"" +
                 dir.file("state") +
                 "\" }\n"
                 "  source generate gen { count = 3000000  fields { n = seq()  name = "
                 "\"customer-\" + to_string(seq()) } }\n"
                 "  transform t from gen { set m = n + 1\n  rate_limit = 750000/s }\n"
                 "  sink null out from t { }\n"
                 "}\n");
  auto start = std::chrono::steady_clock::now();
  auto r = run_sluice({"run", dir.file("p.pipe")});
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  BOOST_TEST_MESSAGE("3M records, rate_limit 750000/s: " << secs << " s, peak RSS "
                                                         << r.max_rss_kb / 1024 << " MB");
  BOOST_TEST(secs >= 3.5);  // the limit really applied
#if defined(__SANITIZE_ADDRESS__)
  // Under AddressSanitizer the process's RSS holds the allocator's quarantine (256 MB of freed
  // blocks) and red zones: 240-1300 MB for the same run. The bound is checked by the release run.
  BOOST_TEST_MESSAGE("AddressSanitizer build: the 200 MB bound is checked in the release build");
#else
  BOOST_TEST(r.max_rss_kb < 200 * 1024);
#endif
}

BOOST_AUTO_TEST_CASE(exit_when_idle_with_following_file_source) {
  TempDir dir;
  write_file(dir.file("in.jsonl"), "{\"a\": 1}\n{\"a\": 2}\n{\"a\": 3.50}\n");
  write_file(dir.file("p.pipe"),
             "pipeline p {\n"
             "  settings { state_dir = \"" +
                 dir.file("state") +
                 "\" }\n"
                 "  source file in { path = \"" +
                 dir.file("in.jsonl") +
                 "\"  follow = true }\n"
                 "  sink file out from in { path = \"" +
                 dir.file("out.jsonl") +
                 "\" }\n"
                 "}\n");
  auto start = std::chrono::steady_clock::now();
  auto r = run_sluice({"run", dir.file("p.pipe"), "--exit-when-idle", "1s"}, {}, "", 60s);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  BOOST_TEST(secs < 20);
  auto lines = read_lines(dir.file("out.jsonl"));
  BOOST_REQUIRE_EQUAL(lines.size(), 3u);
  BOOST_TEST(lines[2].find("\"a\":3.50") != std::string::npos, lines[2]);
}

BOOST_AUTO_TEST_SUITE_END()
