// Finds the (source, upsert sink) pairs of a pipeline — `sink postgres` and `sink delta` fed
// directly by the source (`source mysql`, `source mongodb`) — and each source table's target.
#pragma once
#include <string>
#include <vector>

#include "base/result.h"
#include "dsl/ast.h"
#include "reconcile/reconcile_source.h"
#include "reconcile/table_pair.h"

namespace sluice::reconcile {

// Sinks that are not in upsert mode hold more than one row per source row: they are skipped,
// each reported through `skipped` (its stage name).
// `tables`: the source's (ReconcileSource::tables), `connector` its connector.
result<std::vector<TablePair>> discover_pairs(const ast::Pipeline& p,
                                              const std::string& source_stage,
                                              const std::string& connector,
                                              const std::vector<SourceTable>& tables,
                                              std::vector<std::string>& skipped);

}  // namespace sluice::reconcile
