#include "operators/transform/transform_spec.h"

namespace sluice::operators::transform {

dsl::KindSpec processor_spec() {
  dsl::KindSpec k;
  k.role = dsl::Role::Processor;
  k.kind = "transform";
  k.summary =
      "Record-at-a-time reshaping and filtering: where, set, drop, keep, rename, select, "
      "flatten, key, require (docs/language.md, \"Statements\"), run top to bottom. `where` false "
      "or null drops the "
      "record; a failed `require` or an evaluation error sends it to the stage's dead_letter "
      "sink (kind \"require\" or \"eval\").";
  k.schema_changes = true;  // passes schema-change events through, in their place
  return k;
}

}  // namespace sluice::operators::transform
