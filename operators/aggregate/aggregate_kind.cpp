#include "operators/aggregate/aggregate_kind.h"

#include "operators/aggregate/aggregate_processor.h"
#include "operators/aggregate/aggregate_spec.h"

namespace sluice::operators::aggregate {

OperatorKind processor_kind() {
  return OperatorKind::of_processor(processor_spec(), &AggregateProcessor::make);
}

}  // namespace sluice::operators::aggregate
