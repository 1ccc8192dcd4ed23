#include "operators/delta/delta_kind.h"

#include "operators/delta/delta_sink.h"
#include "operators/delta/delta_spec.h"

namespace sluice::operators::delta {

OperatorKind sink_kind() {
  return OperatorKind::of_sink(bound_sink_spec().spec(), &DeltaSink::make);
}

}  // namespace sluice::operators::delta
