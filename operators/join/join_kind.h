// The `join` stage's registration: spec (role Join, kind "") and processor factory.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::join {

dsl::KindSpec spec();
OperatorKind kind();

}  // namespace sluice::operators::join
