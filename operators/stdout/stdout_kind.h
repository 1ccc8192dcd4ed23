// Registration of `sink stdout`: spec (stdout_spec.h) + factory, one line in
// operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::stdout_sink {

OperatorKind sink_kind();

}  // namespace sluice::operators::stdout_sink
