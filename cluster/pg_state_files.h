// The state files of a cluster worker (operators/common/state/state_files.h): the checkpoints
// of its pipeline's state stores, in sluice_cluster.state_files of the shared PostgreSQL state
// store, so that the node a pipeline fails over to restores its aggregate and join state.
// Names are prefixed with the worker's instance key ("name" or "name#i").
#pragma once
#include <mutex>
#include <string>
#include <vector>

#include "cluster/state_store.h"
#include "operators/common/state/state_files.h"

namespace sluice::cluster {

class PgStateFiles : public operators::state::StateFiles {
 public:
  PgStateFiles(std::string url, std::string key) : store_(std::move(url)), key_(std::move(key)) {}

  result<void> put(const std::string& name, const std::string& bytes) override;
  result<std::optional<std::string>> get(const std::string& name) override;
  result<std::vector<std::string>> list(const std::string& prefix) override;
  result<void> remove(const std::vector<std::string>& names) override;

 private:
  result<void> ensure_table();
  std::mutex mu_;
  StateStore store_;
  std::string key_;
  bool table_ = false;
};

}  // namespace sluice::cluster
