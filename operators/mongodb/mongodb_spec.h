// Option spec of the `mongodb` sink (DSL.md §10), declared as data and bound to the fields
// of MongoOptions.
#pragma once
#include "dsl/option_spec.h"
#include "engine/core/bound_spec.h"
#include "operators/mongodb/mongodb_options.h"

namespace sluice::operators::mongodb {

const BoundSpec<MongoOptions>& bound_sink_spec();
dsl::KindSpec sink_spec();

}  // namespace sluice::operators::mongodb
