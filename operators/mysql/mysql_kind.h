// The `mysql` source kind: its option spec and factory, for operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::mysql {

dsl::KindSpec source_spec();
OperatorKind kind();

}  // namespace sluice::operators::mysql
