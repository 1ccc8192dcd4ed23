// The planner's inference of inputs that carry inserts only (StageConfig::inserts_only_input):
// what the stages' specs say, followed through the graph, shown in the input layout that
// decides whether a hot reload keeps a stage.
#include <boost/test/unit_test.hpp>

#include "dsl/loader.h"
#include "engine/actors/graph_builder.h"
#include "operators/registry.h"

namespace inserts_only_test {

using namespace sluice;

// The input layouts of a pipeline's stages, as GraphBuilder::plan() makes them.
std::map<std::string, std::string> layouts_of(const std::string& text) {
  auto loaded = dsl::load_text("t.pipe", text, operators::registry().specs());
  BOOST_REQUIRE_MESSAGE(loaded.ok(), dsl::format(loaded));
  const ast::Pipeline& p = loaded.file.pipelines.at(0);
  engine::GraphBuilder b(p, operators::registry(), engine::PipelineSettings{});
  auto r = b.plan(engine::Checkpoint{}, {}, std::make_shared<std::atomic<int64_t>>(0));
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.err().message));
  return b.layouts();
}

bool inserts(const std::map<std::string, std::string>& l, const std::string& stage) {
  return l.at(stage).find("|inserts") != std::string::npos;
}

BOOST_AUTO_TEST_SUITE(engine_inserts_only)

BOOST_AUTO_TEST_CASE(generated_and_file_records_reach_an_aggregate_as_inserts_only) {
  auto l = layouts_of(R"(pipeline p {
  source generate gen { count = 10  fields { k = seq() % 3  v = seq() } }
  source file f { path = "/nonexistent.jsonl" }
  transform t from gen, f { where v > 1 }
  aggregate a from t { group by k  hi = max(v) }
  aggregate b from a { group by hi  n = count() }
  join j from gen, f on k { }
  aggregate c from j { group by k  lo = min(v) }
  sink null out1 from b { }
  sink null out2 from c { }
})");
  BOOST_TEST(inserts(l, "t"));   // generate and file emit creates only
  BOOST_TEST(inserts(l, "a"));   // through a transform
  BOOST_TEST(!inserts(l, "b"));  // an aggregate emits a changelog
  BOOST_TEST(inserts(l, "j"));   // (its inputs are inserts; its output is not)
  BOOST_TEST(!inserts(l, "c"));  // a join emits a changelog
  BOOST_TEST(!inserts(l, "out1"));
}

BOOST_AUTO_TEST_CASE(a_source_of_changes_makes_every_stage_below_it_a_changelog) {
  auto l = layouts_of(R"(pipeline p {
  source generate gen { count = 10  fields { k = seq() % 3  v = seq() } }
  source kafka k { brokers = "localhost:1"  topics = ["t"]  group = "g" }
  transform t from gen, k { }
  aggregate a from t { group by k  hi = max(v) }
  sink null out from a { }
})");
  BOOST_TEST(!inserts(l, "t"));
  BOOST_TEST(!inserts(l, "a"));
}

// A kafka source emits creates only with format = raw (every message a {key, value} row).
BOOST_AUTO_TEST_CASE(a_kafka_source_of_raw_messages_is_inserts_only) {
  auto l = layouts_of(R"(pipeline p {
  source kafka raw { brokers = "localhost:1"  topics = ["t"]  format = raw }
  source kafka json { brokers = "localhost:1"  topics = ["t"]  format = json }
  aggregate a from raw { group by key  n = count()  hi = max(value) }
  aggregate b from json { group by k  hi = max(v) }
  sink null out1 from a { }
  sink null out2 from b { }
})");
  BOOST_TEST(inserts(l, "a"));
  BOOST_TEST(!inserts(l, "b"));  // a JSON message may be a Sluice event with any op
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace inserts_only_test
