// Registration of the `stdout sink` kind: its spec (stdout_spec.h) and factory, one line each in
// operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::stdout_sink {

OperatorKind sink_kind();

}  // namespace sluice::operators::stdout_sink
