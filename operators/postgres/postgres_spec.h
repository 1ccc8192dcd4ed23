// Option spec of the `postgres` sink (DSL.md §10), declared as data.
#pragma once
#include "dsl/option_spec.h"

namespace sluice::operators::postgres {

dsl::KindSpec sink_spec();

}  // namespace sluice::operators::postgres
