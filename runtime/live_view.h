// Derived live numbers of a stage (shared by the metrics exporter and the management API).
#pragma once
#include <cstdint>

#include "engine/actors/live_registry.h"

namespace sluice::runtime {

// Records sent to the stage by its upstreams (including dead letters routed to it) that it
// has not taken in yet (an estimate from the counters; 0 for sources).
uint64_t in_flight(const engine::LivePipeline& p, const engine::LiveStage& s);
// The largest source lag of the pipeline, in seconds.
double pipeline_lag_seconds(const engine::LivePipeline& p);

}  // namespace sluice::runtime
