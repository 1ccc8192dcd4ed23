// Option spec of the `postgres` sink (DSL.md §10), declared as data and bound to the fields
// of SinkOptions.
#pragma once
#include "operators/common/spec_builder.h"
#include "operators/postgres/sink_options.h"

namespace sluice::operators::postgres {

const BoundSpec<SinkOptions>& bound_sink_spec();

}  // namespace sluice::operators::postgres
