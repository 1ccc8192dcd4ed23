// Option specs of `source kafka` and `sink kafka` (DSL.md §9, §10), declared as data and
// bound to SourceDeclared / SinkDeclared.
#pragma once
#include "operators/common/spec_builder.h"
#include "operators/kafka/kafka_options.h"

namespace sluice::operators::kafka {

const BoundSpec<SourceDeclared>& bound_source_spec();
const BoundSpec<SinkDeclared>& bound_sink_spec();

}  // namespace sluice::operators::kafka
