#include "operators/null/null_kind.h"

#include "operators/null/null_sink.h"
#include "operators/null/null_spec.h"

namespace sluice::operators::null_sink {

OperatorKind sink_kind() { return OperatorKind::of_sink(sink_spec(), &NullSink::make); }

}  // namespace sluice::operators::null_sink
