// The `aggregate` stage's registration: spec (role Aggregate, kind "") and processor factory.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::aggregate {

dsl::KindSpec spec();
OperatorKind kind();

}  // namespace sluice::operators::aggregate
