#include "operators/null/null_kind.h"

#include "operators/null/null_sink.h"
#include "operators/null/null_spec.h"

namespace sluice::operators::null_sink {

OperatorKind sink_kind() {
  OperatorKind k;
  k.spec = sink_spec();
  k.sink = &NullSink::make;
  return k;
}

}  // namespace sluice::operators::null_sink
