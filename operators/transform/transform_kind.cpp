#include "operators/transform/transform_kind.h"

#include "operators/transform/transform_processor.h"
#include "operators/transform/transform_spec.h"

namespace sluice::operators::transform {

OperatorKind processor_kind() {
  return OperatorKind::of_processor(processor_spec(), &TransformProcessor::make);
}

}  // namespace sluice::operators::transform
