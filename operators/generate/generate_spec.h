// Option spec of the `generate` source, declared as data.
#pragma once
#include "dsl/option_spec.h"

namespace sluice::operators::generate {

dsl::KindSpec spec();

}  // namespace sluice::operators::generate
