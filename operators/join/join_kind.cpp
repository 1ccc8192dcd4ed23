#include "operators/join/join_kind.h"

#include "operators/join/join_processor.h"

namespace sluice::operators::join {

dsl::KindSpec spec() {
  dsl::KindSpec k;
  k.role = dsl::Role::Join;
  k.kind = "";
  k.summary =
      "Keyed merge of two or more changelogs (docs/language.md, \"join\"): keeps the latest row "
      "per key of each "
      "input and emits the merged row (the block's statements, inputs named `stage.field`, a "
      "missing side reads as null) whenever an input changes a key the first input has; a "
      "delete when the first input loses it. The state is checkpointed.";
  return k;
}

OperatorKind kind() {
  OperatorKind k;
  k.spec = spec();
  k.processor = &JoinProcessor::make;
  return k;
}

}  // namespace sluice::operators::join
