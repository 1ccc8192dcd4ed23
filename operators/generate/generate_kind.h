// Registration of the `generate source` kind: its spec (generate_spec.h) and factory, one line each in
// operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::generate {

OperatorKind source_kind();

}  // namespace sluice::operators::generate
