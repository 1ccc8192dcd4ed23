// Option spec of the `mongodb` sink (DSL.md §10), declared as data and bound to the fields
// of MongoOptions.
#pragma once
#include "operators/common/spec_builder.h"
#include "operators/mongodb/mongodb_options.h"

namespace sluice::operators::mongodb {

const BoundSpec<MongoOptions>& bound_sink_spec();

}  // namespace sluice::operators::mongodb
