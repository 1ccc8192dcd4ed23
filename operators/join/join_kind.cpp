#include "operators/join/join_kind.h"

#include "operators/join/join_processor.h"
#include "operators/join/join_spec.h"

namespace sluice::operators::join {

OperatorKind processor_kind() {
  OperatorKind k;
  k.spec = processor_spec();
  k.processor = &JoinProcessor::make;
  return k;
}

}  // namespace sluice::operators::join
