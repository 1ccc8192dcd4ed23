// The text of `sluice status --cluster`: a table of the nodes (state, last heartbeat, how many
// pipelines each holds, the coordinator) and one of the pipeline instances (version, owner,
// state, lag, counters, last checkpoint), then the reasons of the failed ones.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cluster/state_store.h"

namespace sluice::cluster {

class StatusTable {
 public:
  StatusTable(const std::vector<NodeRow>& nodes, const std::vector<AssignmentRow>& assignments,
              const std::vector<StatusRow>& statuses);

  // Both tables; code: 3 when a pipeline failed, else 0.
  std::string format(const std::vector<PipelineRow>& pipelines, int& code) const;

 private:
  std::string node_lines() const;
  // One instance's line; adds its failure reason to reasons.
  std::string pipeline_line(const PipelineRow& p, int& code, std::string& reasons) const;

  const std::vector<NodeRow>& nodes_;
  std::map<std::string, AssignmentRow> owner_;
  std::map<std::string, StatusRow> status_;
  std::map<std::string, int> load_;
  std::set<std::string> live_;
};

}  // namespace sluice::cluster
