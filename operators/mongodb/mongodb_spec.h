// Option spec of the `mongodb` sink (DSL.md §10), declared as data.
#pragma once
#include "dsl/option_spec.h"

namespace sluice::operators::mongodb {

dsl::KindSpec sink_spec();

}  // namespace sluice::operators::mongodb
