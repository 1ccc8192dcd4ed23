// Spec of the `null` sink (no options).
#pragma once
#include "dsl/option_spec.h"

namespace sluice::operators::null_sink {

dsl::KindSpec sink_spec();

}  // namespace sluice::operators::null_sink
