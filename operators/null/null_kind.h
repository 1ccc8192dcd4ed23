// Registration of the `null sink` kind: its spec (null_spec.h) and factory, one line each in
// operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::null_sink {

OperatorKind sink_kind();

}  // namespace sluice::operators::null_sink
