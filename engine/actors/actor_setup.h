// Everything one stage actor is built with (filled by the graph builder).
#pragma once
#include <atomic>
#include <caf/actor.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/actors/backoff_policy.h"
#include "engine/actors/config_builder.h"
#include "engine/actors/edge_spec.h"
#include "engine/actors/stage_counters.h"
#include "engine/core/operator.h"

namespace sluice::engine {

// The shared stage options (DSL.md §3) read from a StageConfig.
struct StageOptions {
  int64_t buffer = kDefaultBuffer;
  int retry_attempts = static_cast<int>(kDefaultRetryAttempts);
  BackoffPolicy retry_backoff;
  std::string dead_letter;  // sink name, "" = none
  OnError on_error = OnError::Fail;
  int64_t rate_limit = 0;  // records per second, 0 = none

  static StageOptions from(const StageConfig& cfg);
};

// What a kept actor gets at a hot reload: the new run's coordinator, its index there and its
// rebuilt outputs (its input channels are unchanged: a stage is kept only then).
struct Rewiring {
  caf::actor coordinator;
  int32_t actor_index = 0;
  PortSpec out;
  PortSpec dead;
};

struct ActorSetup {
  StageConfig cfg;  // this instance's config
  StageOptions opts;
  PipelineSettings settings;
  int32_t actor_index = 0;  // in the coordinator's table
  caf::actor coordinator;
  caf::actor supervisor;
  std::string state;  // from the last complete checkpoint ("" = fresh)
  PortSpec out;       // main output
  PortSpec dead;      // dead-letter output
  std::vector<ChannelSpec> channels;
  std::shared_ptr<StageCounters> counters;
  std::shared_ptr<std::atomic<int64_t>> activity;  // records moved (idle detection)

  // Drops every actor handle. Actors of a graph point at each other (credit upstream, data
  // downstream, barriers to and from the coordinator); an exiting actor must let go of its
  // handles or the reference cycle keeps every actor of the graph alive.
  void release() {
    coordinator = nullptr;
    supervisor = nullptr;
    out.groups.clear();
    dead.groups.clear();
    channels.clear();
  }
};

}  // namespace sluice::engine
