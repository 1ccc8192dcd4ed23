// ast::Pipeline -> actor graph. plan() resolves operators, configs, channels and creates the
// operator instances (so configuration errors surface before anything runs); spawn() starts
// the coordinator and one actor per stage instance (downstream first, so handles are known).
#pragma once
#include <atomic>
#include <caf/event_based_actor.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dsl/ast.h"
#include "engine/actors/actor_setup.h"
#include "engine/actors/checkpoint_store.h"
#include "engine/actors/config_builder.h"
#include "engine/core/operator.h"

namespace sluice::engine {

struct GraphPlan;
struct StagePlan;

struct SpawnedGraph {
  caf::actor coordinator;
  std::vector<caf::actor> actors;                   // every stage actor
  std::map<caf::actor_addr, std::string> stage_of;  // actor -> stage name ("" = coordinator)
  std::map<std::string, std::vector<caf::actor>> by_stage;  // stage -> its instances
};

// Hot reload: may the stage `name`, whose input layout is `layout` (layouts()), keep its
// running actors? Kept stages get no new operator instances; spawn() rewires their actors.
using KeepFn = std::function<bool(const std::string& name, const std::string& layout)>;

class GraphBuilder {
 public:
  GraphBuilder(const ast::Pipeline& p, const OperatorRegistry& reg, PipelineSettings settings);
  ~GraphBuilder();

  // Builds the plan and the operator instances; errors are permanent configuration errors.
  result<void> plan(const Checkpoint& from,
                    const std::map<std::string, std::shared_ptr<StageCounters>>& counters,
                    std::shared_ptr<std::atomic<int64_t>> activity, const KeepFn& keep = {});
  // Spawns the actors (call once after plan()); they are children of `self` (the supervisor).
  // Stages kept by plan()'s `keep` reuse their actors from `kept` (sent a Rewiring instead).
  SpawnedGraph spawn(caf::event_based_actor* self,
                     const std::map<std::string, std::vector<caf::actor>>& kept = {});
  // After plan(): per stage, its input layout (upstream stages, ports, parallelism): a kept
  // actor's input channels must stay the same.
  std::map<std::string, std::string> layouts() const;
  // After plan(): the stages kept (keep returned true).
  std::vector<std::string> kept() const;

 private:
  // A stage's operator kind and typed configuration (no instances yet).
  result<StagePlan> stage_plan(const ast::Stage& st, const std::string& where) const;

  const ast::Pipeline& p_;
  const OperatorRegistry& reg_;
  PipelineSettings settings_;
  std::unique_ptr<GraphPlan> plan_;
};

}  // namespace sluice::engine
