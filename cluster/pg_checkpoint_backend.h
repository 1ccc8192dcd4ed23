// The checkpoint backend of a cluster worker: checkpoints of its one pipeline live in
// sluice_cluster.checkpoints (shared by every node), written synchronously when the engine
// completes a checkpoint and fenced by the assignment epoch: a worker whose pipeline has been
// given to another node can no longer overwrite its checkpoint.
#pragma once
#include <mutex>
#include <string>

#include "cluster/state_store.h"
#include "engine/actors/checkpoint_store.h"

namespace sluice::cluster {

class PgCheckpointBackend : public engine::CheckpointBackend {
 public:
  // `key`: the row in sluice_cluster.checkpoints (the instance key, "name" or "name#i").
  PgCheckpointBackend(std::string url, std::string node, int64_t epoch, std::string key)
      : store_(std::move(url)), node_(std::move(node)), epoch_(epoch), key_(std::move(key)) {}

  result<std::optional<std::string>> load(const std::string& dir) override;
  result<void> save(const std::string& dir, const std::string& pipeline,
                    const std::string& text) override;

  // The pipeline a state directory belongs to: its last path component.
  static std::string pipeline_of(const std::string& dir);

 private:
  std::mutex mu_;
  StateStore store_;
  std::string node_;
  int64_t epoch_;
  std::string key_;
};

}  // namespace sluice::cluster
