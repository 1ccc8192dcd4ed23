#include "operators/generate/generate_kind.h"

#include "operators/generate/generate_source.h"
#include "operators/generate/generate_spec.h"

namespace sluice::operators::generate {

OperatorKind source_kind() {
  return OperatorKind::of_source(bound_source_spec().spec(), &GenerateSource::make);
}

}  // namespace sluice::operators::generate
