// Registration of `source mongodb` (change streams) and `sink mongodb`: spec
// (mongodb_source_spec.h, mongodb_spec.h) + factory, one line each in operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::mongodb {

OperatorKind source_kind();
OperatorKind sink_kind();

}  // namespace sluice::operators::mongodb
