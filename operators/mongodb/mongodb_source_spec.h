// Option spec of `source mongodb` (change streams), declared as data and bound to the fields of
// MongoSourceOptions.
#pragma once
#include "operators/common/spec_builder.h"
#include "operators/mongodb/mongodb_source_options.h"

namespace sluice::operators::mongodb {

const BoundSpec<MongoSourceOptions>& bound_source_spec();

}  // namespace sluice::operators::mongodb
