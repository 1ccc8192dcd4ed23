// Finds the (mysql source, postgres upsert sink) pairs of a pipeline and each source's tables.
#pragma once
#include <string>
#include <vector>

#include "base/result.h"
#include "dsl/ast.h"
#include "operators/mysql/connection.h"
#include "operators/mysql/mysql_config.h"
#include "reconcile/table_pair.h"

namespace sluice::reconcile {

// Sinks that are not in upsert mode hold more than one row per source row: they are skipped,
// each reported through `skipped` (its stage name).
result<std::vector<TablePair>> discover_pairs(const ast::Pipeline& p,
                                              operators::mysql::Connection& conn,
                                              const operators::mysql::MySqlConfig& cfg,
                                              const std::string& source_stage,
                                              std::vector<std::string>& skipped);

}  // namespace sluice::reconcile
