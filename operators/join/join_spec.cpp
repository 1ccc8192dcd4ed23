#include "operators/join/join_spec.h"

namespace sluice::operators::join {

dsl::KindSpec processor_spec() {
  dsl::KindSpec k;
  k.role = dsl::Role::Processor;
  k.kind = "join";
  k.shape.min_inputs = 2;
  k.shape.keyed_on = true;
  k.shape.input_names = true;
  k.shape.changelog = true;
  k.summary =
      "Keyed merge of two or more changelogs (docs/language.md, \"join\"): keeps the latest row "
      "per key of each "
      "input and emits the merged row (the block's statements, inputs named `stage.field`, a "
      "missing side reads as null) whenever an input changes a key the first input has; a "
      "delete when the first input loses it. The state is checkpointed.";
  return k;
}

}  // namespace sluice::operators::join
