// Option specs of the `file` source and sink, declared as data.
#pragma once
#include "dsl/option_spec.h"

namespace sluice::operators::file {

dsl::KindSpec source_spec();
dsl::KindSpec sink_spec();

}  // namespace sluice::operators::file
