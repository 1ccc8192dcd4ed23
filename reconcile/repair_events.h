// The events that repair a table's differences: the missing and different rows re-read from
// MySQL (op "r"), a delete for each extra row.
#pragma once
#include <vector>

#include "base/event.h"
#include "base/result.h"
#include "operators/mysql/connection.h"
#include "reconcile/table_pair.h"
#include "reconcile/table_reconciler.h"

namespace sluice::reconcile {

result<std::vector<Event>> repair_events(operators::mysql::Connection& conn, const TablePair& pr,
                                         const TableDiff& diff);

}  // namespace sluice::reconcile
