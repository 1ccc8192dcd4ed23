// Registration entries of `source kafka` and `sink kafka` (operators/registry.cpp).
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::kafka {

OperatorKind source_kind();
OperatorKind sink_kind();

}  // namespace sluice::operators::kafka
