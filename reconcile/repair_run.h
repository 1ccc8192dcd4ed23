// Sends repair events through chosen sinks of a pipeline: a run of pipeline "<p>__repair" whose
// one source replays the events, with a state directory of its own.
#pragma once
#include <string>
#include <vector>

#include "base/event.h"
#include "base/result.h"
#include "dsl/ast.h"
#include "engine/actors/checkpoint_store.h"

namespace sluice::reconcile {

// The name of the repair run's pipeline: its sinks' exactly-once markers are kept under it.
std::string repair_pipeline_name(const std::string& pipeline);

// The run starts from `carried` (the sinks' exactly-once markers of earlier repairs, gathered
// by each target's carry_over), so a later repair is not mistaken for a replay. `p`'s sink
// options are moved from: do not use it after.
result<void> run_repair(const ast::File& file, ast::Pipeline& p, const std::string& source_stage,
                        const std::vector<std::string>& sinks, std::vector<Event> events,
                        const engine::Checkpoint& carried);

}  // namespace sluice::reconcile
