// Prometheus text exposition (format 0.0.4) of every live pipeline and stage.
#pragma once
#include <string>

#include "engine/actors/live_registry.h"

namespace sluice::runtime {

std::string render_prometheus(const engine::LiveRegistry& live);

}  // namespace sluice::runtime
