// Registration entry of the `postgres` sink: add `postgres::sink_kind()` to operators/registry.cpp.
#pragma once
#include "engine/core/operator.h"

namespace sluice::operators::postgres {

OperatorKind sink_kind();

}  // namespace sluice::operators::postgres
