// Option specs of `source kafka` and `sink kafka` (DSL.md §9, §10).
#pragma once
#include "dsl/option_spec.h"

namespace sluice::operators::kafka {

dsl::KindSpec source_spec();
dsl::KindSpec sink_spec();

}  // namespace sluice::operators::kafka
