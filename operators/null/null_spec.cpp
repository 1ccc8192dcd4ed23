#include "operators/null/null_spec.h"

namespace sluice::operators::null_sink {

dsl::KindSpec sink_spec() {
  dsl::KindSpec k;
  k.role = dsl::Role::Sink;
  k.kind = "null";
  k.summary = "Discards every event (counting them); for benchmarks and dry runs.";
  return k;
}

}  // namespace sluice::operators::null_sink
