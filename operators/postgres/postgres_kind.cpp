#include "operators/postgres/postgres_kind.h"

#include "operators/postgres/postgres_sink.h"
#include "operators/postgres/postgres_spec.h"

namespace sluice::operators::postgres {

OperatorKind sink_kind() {
  OperatorKind k;
  k.spec = sink_spec();
  k.sink = &PostgresSink::make;
  return k;
}

}  // namespace sluice::operators::postgres
