// Registration of the `aggregate` processor: spec (aggregate_spec.h) + factory, one line in
// operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::aggregate {

OperatorKind processor_kind();

}  // namespace sluice::operators::aggregate
