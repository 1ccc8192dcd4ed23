// Option spec of `source mongodb` (change streams), declared as data and bound to the fields of
// MongoSourceOptions.
#pragma once
#include "dsl/option_spec.h"
#include "engine/core/bound_spec.h"
#include "operators/mongodb/mongodb_source_options.h"

namespace sluice::operators::mongodb {

const BoundSpec<MongoSourceOptions>& bound_source_spec();
dsl::KindSpec source_spec();

}  // namespace sluice::operators::mongodb
