#include "operators/stdout/stdout_kind.h"

#include "operators/stdout/stdout_sink.h"
#include "operators/stdout/stdout_spec.h"

namespace sluice::operators::stdout_sink {

OperatorKind sink_kind() {
  return OperatorKind::of_sink(bound_sink_spec().spec(), &StdoutSink::make);
}

}  // namespace sluice::operators::stdout_sink
