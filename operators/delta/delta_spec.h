// Option spec of the `delta` sink, declared as data and bound to the fields of DeltaOptions.
#pragma once
#include "operators/common/spec_builder.h"
#include "operators/delta/delta_options.h"

namespace sluice::operators::delta {

const BoundSpec<DeltaOptions>& bound_sink_spec();

}  // namespace sluice::operators::delta
