#include "operators/aggregate/aggregate_kind.h"

#include "operators/aggregate/aggregate_processor.h"

namespace sluice::operators::aggregate {

dsl::KindSpec spec() {
  dsl::KindSpec k;
  k.role = dsl::Role::Aggregate;
  k.kind = "";
  k.summary =
      "Changelog aggregation (docs/language.md, \"aggregate\"): `group by` keys and aggregate "
      "fields (count, "
      "count_distinct, sum, avg, min, max, first, last, collect_set, collect_list), exact under "
      "retraction; optional `window tumbling(D) on FIELD`. Emits an upsert per changed group "
      "and a delete when a group empties; the state is checkpointed.";
  return k;
}

OperatorKind kind() {
  OperatorKind k;
  k.spec = spec();
  k.processor = &AggregateProcessor::make;
  return k;
}

}  // namespace sluice::operators::aggregate
