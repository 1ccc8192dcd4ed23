// Registration of the `aggregate processor` kind: its spec (aggregate_spec.h) and factory, one line
// each in operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::aggregate {

OperatorKind processor_kind();

}  // namespace sluice::operators::aggregate
