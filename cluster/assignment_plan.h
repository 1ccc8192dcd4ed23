// The coordinator's decisions, as a pure function of the deployed pipelines, the current
// assignments and the live nodes (unit-tested without a database):
//  - an assignment of an undeployed pipeline is dropped;
//  - a pipeline without an owner, or whose owner is dead, goes to the least-loaded live node
//    (ties by node id);
//  - when no move is under way and the busiest live node has at least two pipelines more
//    than the idlest one (e.g. a node joined or came back), one pipeline is moved gracefully.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cluster/state_store.h"

namespace sluice::cluster {

struct AssignmentPlan {
  std::vector<std::pair<std::string, std::string>> assign;  // pipeline -> node
  std::vector<std::string> drop;                            // pipelines
  std::optional<std::pair<std::string, std::string>> move;  // pipeline -> node
  bool empty() const { return assign.empty() && drop.empty() && !move; }
};

AssignmentPlan plan_assignments(const std::vector<std::string>& pipelines,
                                const std::vector<AssignmentRow>& current,
                                const std::set<std::string>& live_nodes);

}  // namespace sluice::cluster
