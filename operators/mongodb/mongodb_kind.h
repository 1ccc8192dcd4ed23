// Registration entry of the `mongodb` sink: `mongodb::sink_kind()` in operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::mongodb {

OperatorKind sink_kind();

}  // namespace sluice::operators::mongodb
