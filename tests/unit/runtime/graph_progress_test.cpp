// Live decorations of `sluice graph --endpoint`, and progress lines.
#include <boost/test/unit_test.hpp>
#include <set>

#include "dsl/loader.h"
#include "live_fixture.h"
#include "operators/registry.h"
#include "runtime/graph_render.h"
#include "runtime/progress_reporter.h"

using namespace sluice;

BOOST_AUTO_TEST_SUITE(graph_and_progress)

BOOST_AUTO_TEST_CASE(live_rates_on_edges_and_stages) {
  auto loaded = dsl::load_text("g.pipe",
                               "pipeline demo {\n"
                               "  source generate gen { fields { n = seq() } }\n"
                               "  transform t from gen {\n"
                               "    set m = n * 2\n"
                               "    dead_letter = dlq\n"
                               "  }\n"
                               "  sink null out from t { }\n"
                               "  sink file dlq { path = \"dlq.jsonl\" }\n"
                               "}\n",
                               operators::registry().specs());
  BOOST_REQUIRE_MESSAGE(loaded.ok(), dsl::format(loaded));
  runtime::GraphLive live;
  live["demo/gen"] = {1'500'000, 9'000'000, 0, 0, 0.25, "running"};
  live["demo/t"] = {1'400'000, 8'000'000, 42, 1000, -1, "running"};
  const std::string dot = runtime::render_graph(loaded.file, runtime::GraphFormat::Dot, &live);
  BOOST_TEST(dot.find("\"demo__gen\" -> \"demo__t\" [label=\"1.5M/s\"]") != std::string::npos, dot);
  BOOST_TEST(dot.find("lag 0.25s") != std::string::npos, dot);
  BOOST_TEST(dot.find("dead letters: 42") != std::string::npos, dot);
  BOOST_TEST(dot.find("pipeline demo (running)") != std::string::npos, dot);
  const std::string mer = runtime::render_graph(loaded.file, runtime::GraphFormat::Mermaid, &live);
  BOOST_TEST(mer.find("demo__gen -- \"1.5M/s\" --> demo__t") != std::string::npos, mer);
  // Without live data the output is unchanged.
  const std::string plain = runtime::render_graph(loaded.file, runtime::GraphFormat::Dot);
  BOOST_TEST(plain.find("/s") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(progress_line_and_bar) {
  auto live = test::make_live();
  runtime::ProgressReporter pr(live, stderr, false, 1'000'000);
  const std::string line = pr.line(false, 2.0);
  BOOST_TEST(line.find("progress: demo/gen 1000/4000 records (25.0%), 500 records/s, eta 6s") !=
                 std::string::npos,
             line);
  const std::string bar = pr.line(true, 2.0);
  BOOST_TEST(bar.find("demo/gen [######------------------]  25.0%") != std::string::npos, bar);
  // A complete read is reported once, then no more (a snapshot done, the source streaming).
  std::set<std::string> reported;
  BOOST_TEST(!pr.line(false, 2.0, &reported).empty());
  live->find("demo")->stages[0].counters->progress_done = 4000;
  BOOST_TEST(pr.line(false, 2.0, &reported).find("4000/4000 records (100.0%)") !=
             std::string::npos);
  BOOST_TEST(pr.line(false, 2.0, &reported).empty());
  live->find("demo")->stages[0].counters->progress_total = -1;  // unknown: nothing to show
  BOOST_TEST(pr.line(false, 2.0).empty());
}

BOOST_AUTO_TEST_SUITE_END()
