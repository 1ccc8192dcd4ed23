#include "operators/mongodb/mongodb_kind.h"

#include "operators/mongodb/mongodb_sink.h"
#include "operators/mongodb/mongodb_spec.h"

namespace sluice::operators::mongodb {

OperatorKind sink_kind() {
  OperatorKind k;
  k.spec = sink_spec();
  k.sink = &MongoSink::make;
  return k;
}

}  // namespace sluice::operators::mongodb
