#include "operators/aggregate/aggregate_kind.h"

#include "operators/aggregate/aggregate_processor.h"
#include "operators/aggregate/aggregate_spec.h"

namespace sluice::operators::aggregate {

OperatorKind processor_kind() {
  OperatorKind k;
  k.spec = processor_spec();
  k.processor = &AggregateProcessor::make;
  return k;
}

}  // namespace sluice::operators::aggregate
