// `source mysql` as the source side of sluice reconcile: its tables (information_schema, the
// source's table filter), each compared in primary-key chunks (TableReconciler) and repaired by
// re-reading the differing rows (repair_events.h).
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "operators/mysql/connection.h"
#include "operators/mysql/mysql_config.h"
#include "reconcile/reconcile_source.h"

namespace sluice::reconcile {

class MySqlSourceSide : public ReconcileSource {
 public:
  MySqlSourceSide(operators::mysql::MySqlConfig cfg, std::string stage, int64_t chunk_rows)
      : cfg_(std::move(cfg)), stage_(std::move(stage)), chunk_rows_(chunk_rows) {}

  std::string connector() const override { return "mysql"; }
  result<std::vector<SourceTable>> tables() override;
  result<TableDiff> compare(const TablePair& pr, ReconcileTarget& target) override;
  result<std::vector<Event>> repair(const TablePair& pr, const TableDiff& diff) override;

 private:
  operators::mysql::MySqlConfig cfg_;
  std::string stage_;
  int64_t chunk_rows_;
  operators::mysql::Connection conn_;
  bool connected_ = false;
};

}  // namespace sluice::reconcile
