#include "cluster/assignment_plan.h"

#include <algorithm>
#include <map>

namespace sluice::cluster {

AssignmentPlan plan_assignments(const std::vector<std::string>& pipelines,
                                const std::vector<AssignmentRow>& current,
                                const std::set<std::string>& live_nodes) {
  AssignmentPlan plan;
  const std::set<std::string> deployed(pipelines.begin(), pipelines.end());
  std::map<std::string, const AssignmentRow*> by_pipeline;
  for (const auto& a : current) {
    if (!deployed.count(a.pipeline)) {
      plan.drop.push_back(a.pipeline);
    } else {
      by_pipeline[a.pipeline] = &a;
    }
  }
  if (live_nodes.empty()) return plan;
  std::map<std::string, int> load;
  for (const auto& n : live_nodes) load[n] = 0;
  bool moving = false;
  std::vector<std::string> orphans;
  for (const auto& p : pipelines) {
    auto it = by_pipeline.find(p);
    if (it == by_pipeline.end() || it->second->node.empty() ||
        !live_nodes.count(it->second->node)) {
      orphans.push_back(p);
      continue;
    }
    const AssignmentRow& a = *it->second;
    if (!a.move_to.empty()) {
      moving = true;
      if (live_nodes.count(a.move_to)) ++load[a.move_to];
      continue;
    }
    ++load[a.node];
  }
  // Instances of one pipeline ("name#i") prefer different nodes.
  std::map<std::string, std::set<std::string>> holders;
  for (const auto& [p, a] : by_pipeline) {
    if (live_nodes.count(a->node)) holders[pipeline_of(p)].insert(a->node);
  }
  auto idlest = [&](const std::string& key) {
    const auto& taken = holders[pipeline_of(key)];
    return std::min_element(
               load.begin(), load.end(),
               [&](const auto& x, const auto& y) {
                 const bool tx = taken.count(x.first) > 0, ty = taken.count(y.first) > 0;
                 if (tx != ty) return !tx;
                 return x.second < y.second || (x.second == y.second && x.first < y.first);
               })
        ->first;
  };
  for (const auto& p : orphans) {
    std::string n = idlest(p);
    ++load[n];
    holders[pipeline_of(p)].insert(n);
    plan.assign.emplace_back(p, n);
  }
  if (moving || !plan.assign.empty() || load.size() < 2) return plan;
  auto busiest = std::max_element(load.begin(), load.end(), [](const auto& x, const auto& y) {
    return x.second < y.second || (x.second == y.second && x.first > y.first);
  });
  std::string to = idlest("");
  if (busiest->second - load[to] < 2) return plan;
  // Move the busiest node's last pipeline (by name): deterministic.
  for (auto it = pipelines.rbegin(); it != pipelines.rend(); ++it) {
    auto a = by_pipeline.find(*it);
    if (a != by_pipeline.end() && a->second->node == busiest->first &&
        !holders[pipeline_of(*it)].count(to)) {
      plan.move = std::make_pair(*it, to);
      break;
    }
  }
  return plan;
}

}  // namespace sluice::cluster
