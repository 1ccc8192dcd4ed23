// Registration of `source generate`: spec (generate_spec.h) + factory, one line in
// operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::generate {

OperatorKind source_kind();

}  // namespace sluice::operators::generate
