// Registration of the `join` processor: spec (join_spec.h) + factory, one line in
// operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::join {

OperatorKind processor_kind();

}  // namespace sluice::operators::join
