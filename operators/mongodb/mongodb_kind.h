// Registration entry of the `mongodb` sink: `mongodb::kind()` in operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::mongodb {

OperatorKind kind();

}  // namespace sluice::operators::mongodb
