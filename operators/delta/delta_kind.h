// Registration of `sink delta`: spec (delta_spec.h) + factory, one line in
// operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::delta {

OperatorKind sink_kind();

}  // namespace sluice::operators::delta
