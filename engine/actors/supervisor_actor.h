// One per pipeline. Builds and spawns the pipeline's actor graph, monitors every actor; when
// one dies it stops the others and restarts the whole graph from the last complete
// checkpoint with backoff. After restart_attempts consecutive failures (no checkpoint
// completed in between), or on a permanent error, the pipeline is marked failed.
#pragma once
#include <atomic>
#include <caf/event_based_actor.hpp>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "dsl/ast.h"
#include "engine/actors/config_builder.h"
#include "engine/actors/graph_builder.h"
#include "engine/actors/pipeline_status.h"
#include "engine/actors/stage_counters.h"
#include "engine/actors/tsan_visible.h"
#include "engine/core/operator.h"

namespace sluice::engine {

struct SupervisorSetup {
  const ast::Pipeline* pipeline = nullptr;
  const OperatorRegistry* registry = nullptr;
  PipelineSettings settings;
  std::map<std::string, std::shared_ptr<StageCounters>> counters;
  std::shared_ptr<std::atomic<int64_t>> activity;
  std::shared_ptr<PipelineStatus> status;
  bool quiet = false;
  std::string state_dir_override;  // RunOptions::state_dir (hot reload re-resolves settings)
};

struct ReloadTicket;

class SupervisorActor : public TsanVisible<caf::event_based_actor> {
 public:
  SupervisorActor(caf::actor_config& cfg, SupervisorSetup setup);
  void on_exit() override;

 protected:
  caf::behavior make_behavior() override;

 private:
  void start_graph();
  void on_down(const caf::down_msg& dm);
  void stop_graph(caf::exit_reason why);
  void finish(bool failed, const std::string& reason);
  // Hot reload (docs/engine.md): quiesce at a barrier, plan the new graph, stop the changed
  // actors, then spawn the new ones and rewire the kept ones.
  void on_reload(std::shared_ptr<ReloadTicket> t);
  void on_quiesced(uint64_t id, bool ok);
  void swap_in();
  void reload_failed(const std::string& why);

  SupervisorSetup setup_;
  SpawnedGraph graph_;
  std::set<caf::actor_addr> alive_;  // current generation
  std::set<caf::actor_addr> dying_;  // killed, not yet down
  uint64_t generation_ = 0;
  int failures_ = 0;
  bool running_ = false;
  bool restart_due_ = false;
  bool stop_requested_ = false;
  bool done_ = false;
  std::string fail_reason_;
  bool fail_permanent_ = false;
  std::map<std::string, std::string> layouts_;  // input layout per stage of the running graph
  // The reload in progress.
  std::shared_ptr<ReloadTicket> reload_;
  std::unique_ptr<GraphBuilder> reload_builder_;
  PipelineSettings reload_settings_;
  std::set<caf::actor_addr> reload_dying_;  // replaced / removed actors, not yet down
  std::map<std::string, std::vector<caf::actor>> reload_kept_;
  int64_t reload_started_ = 0;
  uint64_t reload_checkpoint_ = 0;
  bool reload_swapping_ = false;  // waiting for reload_dying_ to drain
};

}  // namespace sluice::engine
