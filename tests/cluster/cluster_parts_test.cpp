// Cluster parts without nodes: the coordinator's assignment plan, the per-pipeline split of a
// deployed file, and checkpoint fencing in the state store (a private PostgreSQL).
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <set>
#include <thread>

#include "cluster/assignment_plan.h"
#include "cluster/pipeline_split.h"
#include "cluster/state_store.h"
#include "dsl/loader.h"
#include "operators/registry.h"
#include "support/postgres_server.h"

namespace sluice::cluster {

BOOST_AUTO_TEST_SUITE(cluster_parts)

BOOST_AUTO_TEST_CASE(plan_assigns_orphans_to_the_least_loaded_live_node) {
  std::vector<AssignmentRow> cur = {{"a", "n1", "", 1}, {"b", "n1", "", 1}, {"c", "n2", "", 1}};
  // n1 died: a and b go to the live nodes, spread by load.
  auto plan = plan_assignments({"a", "b", "c", "d"}, cur, {"n2", "n3"});
  std::map<std::string, std::string> got(plan.assign.begin(), plan.assign.end());
  BOOST_TEST(got.size() == 3u);
  BOOST_TEST(got["a"] == "n3");
  BOOST_TEST(got["b"] == "n2");
  BOOST_TEST(got["d"] == "n3");
  BOOST_TEST(!plan.move);
  // An undeployed pipeline's assignment is dropped.
  auto p2 = plan_assignments({"a"}, cur, {"n1", "n2"});
  BOOST_TEST(p2.drop.size() == 2u);
}

BOOST_AUTO_TEST_CASE(plan_rebalances_one_pipeline_to_a_node_that_joins) {
  std::vector<AssignmentRow> cur = {{"a", "n1", "", 1}, {"b", "n1", "", 1}, {"c", "n2", "", 1}};
  auto plan = plan_assignments({"a", "b", "c"}, cur, {"n1", "n2", "n3"});
  BOOST_TEST(plan.assign.empty());
  BOOST_REQUIRE(plan.move.has_value());
  BOOST_TEST(plan.move->first == "b");
  BOOST_TEST(plan.move->second == "n3");
  // Balanced (difference 1): nothing moves; a move under way blocks further moves.
  cur[1].move_to = "n3";
  BOOST_TEST(plan_assignments({"a", "b", "c"}, cur, {"n1", "n2", "n3"}).empty());
}

BOOST_AUTO_TEST_CASE(plan_spreads_instances_over_nodes) {
  auto keys = instance_keys({"k", 1, "", 3});
  BOOST_TEST(keys.size() == 3u);
  BOOST_TEST(keys[0] == "k#1");
  BOOST_TEST(pipeline_of("k#2") == "k");
  // n1 is the least loaded but already holds k#1: k#2 and k#3 go elsewhere.
  std::vector<AssignmentRow> cur = {{"k#1", "n1", "", 1}, {"x", "n2", "", 1}, {"y", "n3", "", 1}};
  auto plan = plan_assignments({"k#1", "k#2", "k#3", "x", "y"}, cur, {"n1", "n2", "n3"});
  std::set<std::string> nodes;
  for (auto& [p, n] : plan.assign) nodes.insert(n);
  BOOST_TEST(plan.assign.size() == 2u);
  BOOST_TEST(!nodes.count("n1"));
  BOOST_TEST(nodes.size() == 2u);
}

BOOST_AUTO_TEST_CASE(split_gives_each_pipeline_its_own_text) {
  const std::string text =
      "# header\n"
      "pipeline one {\n"
      "  source generate g { count = 1  fields { x = seq() } }\n"
      "  sink null n from g { }\n"
      "}\n"
      "pipeline two {\n"
      "  source generate g { count = 2  fields { x = seq() } }\n"
      "  sink null n from g { }\n"
      "}\n";
  auto specs = operators::registry().specs();
  auto loaded = dsl::load_text("f.pipe", text, specs);
  BOOST_REQUIRE(loaded.ok());
  auto parts = split_pipelines(loaded.file, specs);
  BOOST_REQUIRE(parts.size() == 2u);
  BOOST_TEST(parts[0].first == "one");
  BOOST_TEST(parts[0].second.find("count = 1") != std::string::npos);
  BOOST_TEST(parts[0].second.find("two") == std::string::npos);
  BOOST_TEST(parts[1].second.rfind("pipeline two", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(state_store_versions_and_fencing) {
  test::PostgresServer pg(false);
  StateStore s(pg.url());
  auto d1 = s.deploy("p", "pipeline p {}");
  BOOST_REQUIRE(d1.ok());
  BOOST_TEST(d1->created);
  BOOST_TEST(d1->version == 1);
  auto same = s.deploy("p", "pipeline p {}");
  BOOST_TEST(!same->changed);
  auto d2 = s.deploy("p", "pipeline p { }");
  BOOST_TEST(d2->changed);
  BOOST_TEST(d2->version == 2);

  BOOST_REQUIRE(s.assign("p", "n1").ok());  // epoch 1
  BOOST_TEST(s.save_checkpoint("p", 5, "{\"checkpoint\":5}", 1, "n1").ok());
  BOOST_REQUIRE(s.assign("p", "n2").ok());  // epoch 2: n1 is fenced
  auto stale = s.save_checkpoint("p", 6, "{\"checkpoint\":6}", 1, "n1");
  BOOST_TEST(!stale.ok());
  auto cp = s.load_checkpoint("p");
  BOOST_REQUIRE(cp.ok());
  BOOST_TEST(cp->value_or("") == "{\"checkpoint\":5}");
  BOOST_TEST(s.save_checkpoint("p", 6, "{\"checkpoint\":6}", 2, "n2").ok());
  BOOST_TEST(s.load_checkpoint("p")->value_or("") == "{\"checkpoint\":6}");

  // A graceful move: the owner hands over, with a new epoch.
  BOOST_REQUIRE(s.request_move("p", "n3").ok());
  BOOST_TEST(!s.hand_over("p", "n1").value());
  BOOST_TEST(s.hand_over("p", "n2").value());
  auto as = s.assignments();
  BOOST_REQUIRE(as.ok() && as->size() == 1u);
  BOOST_TEST((*as)[0].node == "n3");
  BOOST_TEST((*as)[0].epoch == 3);

  // Coordinator lock: one session holds it.
  StateStore other(pg.url());
  BOOST_TEST(s.try_lead().value());
  BOOST_TEST(s.try_lead().value());
  BOOST_TEST(!other.try_lead().value());
  s.disconnect();  // the holder's session ends (a dead node): the lock is free
  // (the server ends the backend asynchronously: allow it a moment)
  bool taken = false;
  for (int i = 0; i < 50 && !taken; ++i) {
    taken = other.try_lead().value();
    if (!taken) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  BOOST_TEST(taken);

  BOOST_TEST(s.undeploy("p").value());
  BOOST_TEST(!s.load_checkpoint("p")->has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace sluice::cluster
