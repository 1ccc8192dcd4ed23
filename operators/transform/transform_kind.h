// Registration of the `transform` processor: spec (transform_spec.h) + factory, one line in
// operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::transform {

OperatorKind processor_kind();

}  // namespace sluice::operators::transform
