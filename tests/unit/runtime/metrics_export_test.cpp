// The Prometheus exposition of the live counters.
#include "runtime/metrics_export.h"

#include <boost/test/unit_test.hpp>
#include <map>
#include <sstream>

#include "live_fixture.h"

using namespace sluice;

namespace {
// "name{labels}" -> value, every sample line; checks the basic syntax of every line.
std::map<std::string, double> parse(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') {
      BOOST_TEST((line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0), line);
      continue;
    }
    auto sp = line.rfind(' ');
    BOOST_REQUIRE_MESSAGE(sp != std::string::npos, line);
    out[line.substr(0, sp)] = std::stod(line.substr(sp + 1));
  }
  return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(metrics_export)

BOOST_AUTO_TEST_CASE(counters_gauges_and_histograms) {
  auto live = test::make_live();
  const std::string text = runtime::render_prometheus(*live);
  auto m = parse(text);
  BOOST_TEST(m["sluice_stage_events_out_total{pipeline=\"demo\",stage=\"gen\"}"] == 1000);
  BOOST_TEST(m["sluice_stage_events_in_total{pipeline=\"demo\",stage=\"t\"}"] == 900);
  BOOST_TEST(m["sluice_stage_dead_letters_total{pipeline=\"demo\",stage=\"t\"}"] == 20);
  BOOST_TEST(m["sluice_stage_errors_total{pipeline=\"demo\",stage=\"out\"}"] == 2);
  // in flight: gen sent 1000, t took 900; t sent 880, out took 850.
  BOOST_TEST(m["sluice_stage_in_flight_records{pipeline=\"demo\",stage=\"t\"}"] == 100);
  BOOST_TEST(m["sluice_stage_in_flight_records{pipeline=\"demo\",stage=\"out\"}"] == 30);
  BOOST_TEST(m["sluice_stage_credit_records{pipeline=\"demo\",stage=\"t\"}"] == 9900);
  BOOST_TEST(m["sluice_source_lag_seconds{pipeline=\"demo\",stage=\"gen\"}"] == 2.5);
  BOOST_TEST(m["sluice_source_progress_records{pipeline=\"demo\",stage=\"gen\"}"] == 1000);
  BOOST_TEST(m["sluice_source_progress_total_records{pipeline=\"demo\",stage=\"gen\"}"] == 4000);
  BOOST_TEST(m["sluice_pipeline_info{pipeline=\"demo\",state=\"running\"}"] == 1);
  // Histograms are cumulative, end with +Inf = count, sum in seconds.
  BOOST_TEST(m["sluice_sink_write_duration_seconds_bucket{pipeline=\"demo\",stage=\"out\",le=\"0."
               "025\"}"] == 0);
  BOOST_TEST(
      m["sluice_sink_write_duration_seconds_bucket{pipeline=\"demo\",stage=\"out\",le=\"0.05\"}"] ==
      1);
  BOOST_TEST(
      m["sluice_sink_write_duration_seconds_bucket{pipeline=\"demo\",stage=\"out\",le=\"+Inf\"}"] ==
      1);
  BOOST_TEST(m["sluice_sink_write_duration_seconds_count{pipeline=\"demo\",stage=\"out\"}"] == 1);
  BOOST_TEST(m["sluice_sink_write_duration_seconds_sum{pipeline=\"demo\",stage=\"out\"}"] == 0.04);
  BOOST_TEST(m["sluice_sink_batch_records_bucket{pipeline=\"demo\",stage=\"out\",le=\"1000\"}"] ==
             1);
  BOOST_TEST(m["sluice_sink_batch_records_bucket{pipeline=\"demo\",stage=\"out\",le=\"100\"}"] ==
             0);
  BOOST_TEST(m["sluice_stage_batch_duration_seconds_count{pipeline=\"demo\",stage=\"t\"}"] == 1);
  // Sink-only families do not carry processors.
  BOOST_TEST(m.count("sluice_sink_batch_records_count{pipeline=\"demo\",stage=\"t\"}") == 0);
  // Every family is declared once, before its samples.
  BOOST_TEST(text.find("# TYPE sluice_stage_events_in_total counter") != std::string::npos);
  BOOST_TEST(text.find("# TYPE sluice_sink_write_duration_seconds histogram") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(operator_figures_are_families_of_their_kind) {
  auto live = test::make_live();
  auto p = live->find("demo");
  const auto* out = p->find_stage("out");
  const auto* t = p->find_stage("t");
  out->counters->operator_stats.set(
      0, {{"rows_applied", "Rows applied.", true, 40}, {"queue_depth", "Queued.", false, 3}});
  out->counters->operator_stats.set(1, {{"rows_applied", "Rows applied.", true, 2}});
  t->counters->operator_stats.set(0, {{"groups", "Groups held.", false, 7}});
  const std::string text = runtime::render_prometheus(*live);
  auto m = parse(text);
  const std::string kind = out->kind.empty() ? out->type : out->kind;
  const std::string rows = "sluice_" + kind + "_rows_applied_total";
  BOOST_TEST(m[rows + "{pipeline=\"demo\",stage=\"out\",instance=\"0\"}"] == 40);
  BOOST_TEST(m[rows + "{pipeline=\"demo\",stage=\"out\",instance=\"1\"}"] == 2);
  BOOST_TEST(m["sluice_" + kind + "_queue_depth{pipeline=\"demo\",stage=\"out\",instance=\"0\"}"] ==
             3);
  // A processor without a kind is named after its stage type.
  BOOST_TEST(m["sluice_" + t->type + "_groups{pipeline=\"demo\",stage=\"t\",instance=\"0\"}"] == 7);
  // One family per name, counters with _total.
  BOOST_TEST(text.find("# TYPE " + rows + " counter") != std::string::npos);
  BOOST_TEST(text.find("# TYPE " + rows + " counter", text.find("# TYPE " + rows) + 1) ==
             std::string::npos);
  BOOST_TEST(text.find("# TYPE sluice_" + kind + "_queue_depth gauge") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(labels_are_escaped) {
  engine::LiveRegistry live;
  engine::LivePipeline p;
  p.name = "we\"ird\\name";
  p.status = std::make_shared<engine::PipelineStatus>();
  engine::LiveStage s;
  s.name = "s";
  s.type = "source";
  s.counters = std::make_shared<engine::StageCounters>();
  p.stages.push_back(s);
  live.add(std::move(p));
  const std::string text = runtime::render_prometheus(live);
  BOOST_TEST(text.find("pipeline=\"we\\\"ird\\\\name\"") != std::string::npos, text);
}

BOOST_AUTO_TEST_SUITE_END()
