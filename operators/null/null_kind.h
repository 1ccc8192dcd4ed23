// Registration of `sink null`: spec (null_spec.h) + factory, one line in
// operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::null_sink {

OperatorKind sink_kind();

}  // namespace sluice::operators::null_sink
