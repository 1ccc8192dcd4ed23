// The one explicit registration list of every operator kind.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators {

// Returns the registry of all built-in kinds (built once).
const OperatorRegistry& registry();

}  // namespace sluice::operators
