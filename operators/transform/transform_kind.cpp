#include "operators/transform/transform_kind.h"

#include "operators/transform/transform_processor.h"
#include "operators/transform/transform_spec.h"

namespace sluice::operators::transform {

OperatorKind processor_kind() {
  OperatorKind k;
  k.spec = processor_spec();
  k.processor = &TransformProcessor::make;
  return k;
}

}  // namespace sluice::operators::transform
