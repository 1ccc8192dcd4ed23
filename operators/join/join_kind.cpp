#include "operators/join/join_kind.h"

#include "operators/join/join_processor.h"
#include "operators/join/join_spec.h"

namespace sluice::operators::join {

OperatorKind processor_kind() {
  return OperatorKind::of_processor(processor_spec(), &JoinProcessor::make);
}

}  // namespace sluice::operators::join
