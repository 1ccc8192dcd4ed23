// `sluice tap` and `sluice top` against a running `sluice run --api` (issue 22, point 4): a
// generate -> transform -> null pipeline; the tap prints the transform's records as JSON lines
// and detaches when done; unknown stages and pipelines are named with the known ones; top
// --once shows the stages with their rates.
#include <boost/test/unit_test.hpp>
#include <sstream>

#include "base/json.h"
#include "runtime/http_client.h"
#include "runtime/json_fields.h"
#include "support/api_wait.h"
#include "support/free_port.h"
#include "support/process.h"

using namespace sluice;
using namespace sluice::test;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The number of readers attached to stage `stage` of pipeline p (0 when none).
double tap_readers(const std::string& addr, size_t stage) {
  auto r = runtime::http_request(addr, "GET", "/pipelines/p");
  if (!r.ok()) return -1;
  auto v = json::parse(r->body);
  if (!v.ok()) return -1;
  const Value& s = runtime::json_field(*v, "stages")->as_list()[stage];
  const Value* tap = runtime::json_field(s, "tap");
  return tap ? runtime::json_number(runtime::json_field(*tap, "readers")) : 0;
}

std::string pipeline(const TempDir& dir) {
  return "pipeline p {\n"
         "  settings { state_dir = \"" +
         dir.file("state") +
         "\" }\n"
         "  source generate gen {\n"
         "    rate = 5000/s\n"
         "    fields { n = seq() }\n"
         "  }\n"
         "  transform t from gen {\n"
         "    set doubled = n * 2\n"
         "    set label = \"tapped\"\n"
         "  }\n"
         "  sink null out from t { }\n"
         "}\n";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tap_top)

BOOST_AUTO_TEST_CASE(tap_prints_a_stage_s_records_and_top_its_rates) {
  TempDir dir;
  write_file(dir.file("p.pipe"), pipeline(dir));
  const std::string addr = "127.0.0.1:" + std::to_string(free_port());
  Child node({sluice_bin(), "run", dir.file("p.pipe"), "--api", addr});
  BOOST_REQUIRE_MESSAGE(wait_api(addr), "the API did not come up");

  auto tap = run_sluice({"tap", "p.t", "--endpoint", addr, "--limit", "5"}, {}, "", 60s);
  BOOST_TEST(tap.exit_code == 0, tap.err);
  const auto lines = lines_of(tap.out);
  BOOST_REQUIRE_EQUAL(lines.size(), 5u);
  for (const auto& line : lines) {
    auto v = json::parse(line);
    BOOST_REQUIRE_MESSAGE(v.ok(), line);
    BOOST_TEST(runtime::json_text(runtime::json_field(*v, "op")) == "c");
    const Value* after = runtime::json_field(*v, "after");
    BOOST_REQUIRE(after);
    const double n = runtime::json_number(runtime::json_field(*after, "n"));
    BOOST_TEST(runtime::json_number(runtime::json_field(*after, "doubled")) == 2 * n);
    BOOST_TEST(runtime::json_text(runtime::json_field(*after, "label")) == "tapped");
  }
  // The tap is gone with its reader: the stage pays nothing again.
  double readers = -1;
  for (int i = 0; i < 50 && readers != 0; ++i) {
    readers = tap_readers(addr, 1);
    if (readers != 0) std::this_thread::sleep_for(100ms);
  }
  BOOST_TEST(readers == 0);

  // A source and a sink can be tapped too.
  auto gen = run_sluice({"tap", "p.gen", "--endpoint", addr, "--limit", "2"}, {}, "", 60s);
  BOOST_TEST(gen.exit_code == 0, gen.err);
  BOOST_TEST(lines_of(gen.out).size() == 2u);
  BOOST_TEST(gen.out.find("doubled") == std::string::npos, gen.out);
  auto out = run_sluice({"tap", "p.out", "--endpoint", addr, "--limit", "1"}, {}, "", 60s);
  BOOST_TEST(out.exit_code == 0, out.err);
  BOOST_TEST(out.out.find("\"doubled\"") != std::string::npos, out.out);

  // Unknown stage or pipeline: the known ones are named.
  auto no_stage = run_sluice({"tap", "p.nope", "--endpoint", addr, "--limit", "1"});
  BOOST_TEST(no_stage.exit_code == 3);
  BOOST_TEST(no_stage.err.find("no stage 'nope' (stages: gen, t, out)") != std::string::npos,
             no_stage.err);
  auto no_pipeline = run_sluice({"tap", "q.t", "--endpoint", addr});
  BOOST_TEST(no_pipeline.exit_code == 3);
  BOOST_TEST(no_pipeline.err.find("(pipelines: p)") != std::string::npos, no_pipeline.err);
  BOOST_TEST(run_sluice({"tap", "p", "--endpoint", addr}).exit_code == 2);
  BOOST_TEST(run_sluice({"tap", "p.t", "--limit", "0", "--endpoint", addr}).exit_code == 2);

  // top --once: one frame with every stage; the rates come from the API's sampler (one sample a
  // second, the first a baseline), so they may take two seconds to show.
  ProcResult top;
  std::string type, in_rate, out_rate;
  for (int i = 0; i < 20; ++i) {
    top = run_sluice({"top", "--once", "--endpoint", addr});
    BOOST_REQUIRE_MESSAGE(top.exit_code == 0, top.err);
    for (const auto& line : lines_of(top.out)) {
      std::istringstream row(line);
      std::string name;
      if (row >> name && name == "t") row >> type >> in_rate >> out_rate;
    }
    if (!in_rate.empty() && in_rate != "0") break;
    std::this_thread::sleep_for(500ms);
  }
  BOOST_TEST(top.out.find("\x1b[") == std::string::npos);  // not a terminal: no escapes
  BOOST_TEST(type == "transform", top.out);
  BOOST_TEST(in_rate != "0", top.out);
  BOOST_TEST(out_rate != "0", top.out);
  BOOST_TEST(top.out.find("source generate") != std::string::npos, top.out);
  BOOST_TEST(top.out.find("sink null") != std::string::npos, top.out);
  BOOST_TEST(top.out.find("running") != std::string::npos, top.out);

  node.signal(SIGTERM);
  auto r = node.wait(60s);
  BOOST_TEST(r.exit_code == 0, r.err);

  // The node is gone: both commands say where they looked and what to start.
  for (const char* cmd : {"tap", "top"}) {
    std::vector<std::string> args{cmd, "--endpoint", addr};
    if (std::string(cmd) == "tap") args.insert(args.begin() + 1, "p.t");
    if (std::string(cmd) == "top") args.push_back("--once");
    auto gone = run_sluice(args);
    BOOST_TEST(gone.exit_code == 3, cmd);
    BOOST_TEST(gone.err.find("cannot reach " + addr) != std::string::npos, gone.err);
    BOOST_TEST(gone.err.find("sluice run --api") != std::string::npos, gone.err);
  }
}

// With a token on the node, both commands need SLUICE_API_TOKEN and say so.
BOOST_AUTO_TEST_CASE(tap_and_top_name_the_token) {
  TempDir dir;
  write_file(dir.file("p.pipe"), pipeline(dir));
  write_file(dir.file("token"), "tok-tap-5e1f\n");
  const std::string addr = "127.0.0.1:" + std::to_string(free_port());
  Child node({sluice_bin(), "run", dir.file("p.pipe"), "--api", addr, "--api-token-file",
              dir.file("token")});
  BOOST_REQUIRE_MESSAGE(wait_api(addr, 401), "the API did not come up with 401");
  auto tap = run_sluice({"tap", "p.t", "--endpoint", addr, "--limit", "1"});
  BOOST_TEST(tap.exit_code == 3);
  BOOST_TEST(tap.err.find("SLUICE_API_TOKEN") != std::string::npos, tap.err);
  auto top = run_sluice({"top", "--once", "--endpoint", addr});
  BOOST_TEST(top.exit_code == 3);
  BOOST_TEST(top.err.find("SLUICE_API_TOKEN") != std::string::npos, top.err);
  auto ok = run_sluice({"tap", "p.t", "--endpoint", addr, "--limit", "1"},
                       {"SLUICE_API_TOKEN=tok-tap-5e1f"}, "", 60s);
  BOOST_TEST(ok.exit_code == 0, ok.err);
  BOOST_TEST(lines_of(ok.out).size() == 1u);
  node.signal(SIGTERM);
  BOOST_TEST(node.wait(60s).exit_code == 0);
}

BOOST_AUTO_TEST_SUITE_END()
