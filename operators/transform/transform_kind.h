// Registration of the `transform processor` kind: its spec (transform_spec.h) and factory, one line each in
// operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::transform {

OperatorKind processor_kind();

}  // namespace sluice::operators::transform
