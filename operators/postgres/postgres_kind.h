// Registration of `sink postgres`: spec (postgres_spec.h) + factory, one line in
// operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::postgres {

OperatorKind sink_kind();

}  // namespace sluice::operators::postgres
