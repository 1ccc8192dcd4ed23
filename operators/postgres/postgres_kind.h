// Registration entry of the `postgres` sink: add `postgres::kind()` to operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::postgres {

OperatorKind kind();

}  // namespace sluice::operators::postgres
