// Registration of `sink mongodb`: spec (mongodb_spec.h) + factory, one line in
// operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::mongodb {

OperatorKind sink_kind();

}  // namespace sluice::operators::mongodb
