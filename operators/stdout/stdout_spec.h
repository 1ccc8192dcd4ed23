// Option spec of the `stdout` sink, declared as data.
#pragma once
#include "dsl/option_spec.h"

namespace sluice::operators::stdout_sink {

dsl::KindSpec spec();

}  // namespace sluice::operators::stdout_sink
