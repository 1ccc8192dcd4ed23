// Sends repair events through chosen sinks of a pipeline: a run of pipeline "<p>__repair" whose
// one source replays the events, with a state directory of its own.
#pragma once
#include <string>
#include <vector>

#include "base/event.h"
#include "base/result.h"
#include "dsl/ast.h"

namespace sluice::reconcile {

// Each sink's exactly-once row in sluice_checkpoints (at `url`) is carried over, so a later
// repair is not mistaken for a replay. `p`'s sink options are moved from: do not use it after.
result<void> run_repair(const ast::File& file, ast::Pipeline& p, const std::string& source_stage,
                        const std::vector<std::string>& sinks, std::vector<Event> events,
                        const std::string& url);

}  // namespace sluice::reconcile
