#include "operators/aggregate/aggregate_spec.h"

namespace sluice::operators::aggregate {

dsl::KindSpec processor_spec() {
  dsl::KindSpec k;
  k.role = dsl::Role::Processor;
  k.kind = "aggregate";
  k.shape.fields = true;
  k.shape.changelog = true;
  k.summary =
      "Changelog aggregation (docs/language.md, \"aggregate\"): `group by` keys and aggregate "
      "fields (count, "
      "count_distinct, sum, avg, min, max, first, last, collect_set, collect_list), exact under "
      "retraction; optional `window tumbling(D) on FIELD`. Emits an upsert per changed group "
      "and a delete when a group empties; the state is checkpointed.";
  return k;
}

}  // namespace sluice::operators::aggregate
