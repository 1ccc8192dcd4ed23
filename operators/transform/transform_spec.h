// Spec of the `transform` stage (its only options are the shared ones of DSL.md §3).
#pragma once
#include "dsl/option_spec.h"

namespace sluice::operators::transform {

dsl::KindSpec processor_spec();

}  // namespace sluice::operators::transform
