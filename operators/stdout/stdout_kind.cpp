#include "operators/stdout/stdout_kind.h"

#include "operators/stdout/stdout_sink.h"
#include "operators/stdout/stdout_spec.h"

namespace sluice::operators::stdout_sink {

OperatorKind sink_kind() {
  OperatorKind k;
  k.spec = sink_spec();
  k.sink = &StdoutSink::make;
  return k;
}

}  // namespace sluice::operators::stdout_sink
