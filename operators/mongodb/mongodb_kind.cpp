#include "operators/mongodb/mongodb_kind.h"

#include "operators/mongodb/mongodb_sink.h"
#include "operators/mongodb/mongodb_source.h"
#include "operators/mongodb/mongodb_source_spec.h"
#include "operators/mongodb/mongodb_spec.h"

namespace sluice::operators::mongodb {

OperatorKind source_kind() {
  return OperatorKind::of_source(bound_source_spec().spec(), &MongoSource::make);
}

OperatorKind sink_kind() {
  return OperatorKind::of_sink(bound_sink_spec().spec(), &MongoSink::make);
}

}  // namespace sluice::operators::mongodb
