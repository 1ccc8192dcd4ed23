// Registration of `source kafka` and `sink kafka`: spec (kafka_spec.h) + factory, one line in
// operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::kafka {

OperatorKind source_kind();
OperatorKind sink_kind();

}  // namespace sluice::operators::kafka
