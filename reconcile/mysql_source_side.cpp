#include "reconcile/mysql_source_side.h"

#include "reconcile/errc.h"
#include "reconcile/repair_events.h"
#include "reconcile/table_reconciler.h"

namespace sluice::reconcile {

namespace my = operators::mysql;

result<std::vector<SourceTable>> MySqlSourceSide::tables() {
  if (!connected_) {
    auto c = conn_.connect(cfg_.conn);
    if (!c.ok())
      return error::permanent(errc::connect, "source '" + stage_ + "': " + c.err().message);
    connected_ = true;
  }
  auto rows = conn_.query(
      "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE IN "
      "('BASE TABLE', 'SYSTEM VERSIONED') ORDER BY TABLE_SCHEMA, TABLE_NAME");
  if (!rows.ok()) return rows.err();
  my::SchemaLoader loader(&conn_);
  auto filter = cfg_.filter();
  std::vector<SourceTable> out;
  for (const auto& row : *rows) {
    if (!row[0] || !row[1] || !filter.matches(*row[0], *row[1])) continue;
    auto schema = loader.get(*row[0], *row[1]);
    if (!schema.ok()) return schema.err();
    my::TableSchema visible = **schema;         // a versioned table's implicit period columns are
    visible.columns.resize(visible.visible());  // in no target: its rows are the table now
    visible.hidden.resize(visible.columns.size());
    out.push_back({*row[0], *row[1], std::move(visible)});
  }
  return out;
}

result<TableDiff> MySqlSourceSide::compare(const TablePair& pr, ReconcileTarget& target) {
  TableReconciler rec(conn_, chunk_rows_);
  return rec.compare(pr.db, pr.table, pr.schema, target);
}

result<std::vector<Event>> MySqlSourceSide::repair(const TablePair& pr, const TableDiff& diff) {
  return repair_events(conn_, pr, diff);
}

}  // namespace sluice::reconcile
