// A slot's failure as the postgres sink reports it: what failed (PgFailure) and the step
// ("cannot connect", "write failed", ...) that PostgresSink::fail puts in the message.
#pragma once
#include "operators/postgres/pg_failure.h"

namespace sluice::operators::postgres {

struct SlotError {
  PgFailure failure;
  const char* what = "";
};

}  // namespace sluice::operators::postgres
