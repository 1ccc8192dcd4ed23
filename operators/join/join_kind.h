// Registration of the `join processor` kind: its spec (join_spec.h) and factory, one line each in
// operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::join {

OperatorKind processor_kind();

}  // namespace sluice::operators::join
