#include "operators/generate/generate_kind.h"

#include "operators/generate/generate_source.h"
#include "operators/generate/generate_spec.h"

namespace sluice::operators::generate {

OperatorKind source_kind() {
  OperatorKind k;
  k.spec = source_spec();
  k.source = &GenerateSource::make;
  return k;
}

}  // namespace sluice::operators::generate
