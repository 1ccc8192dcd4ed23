#include "operators/postgres/postgres_kind.h"

#include "operators/postgres/postgres_sink.h"
#include "operators/postgres/postgres_spec.h"

namespace sluice::operators::postgres {

OperatorKind sink_kind() {
  return OperatorKind::of_sink(bound_sink_spec().spec(), &PostgresSink::make);
}

}  // namespace sluice::operators::postgres
