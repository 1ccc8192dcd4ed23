// The source side of sluice reconcile: a source stage's tables (or collections), each compared
// with the copy a sink writes (reconcile_target.h), and the events that repair what differs.
// MySqlSourceSide (`source mysql`: keyset chunks read with SQL), MongoSourceSide
// (`source mongodb`: each collection read in _id order through a CollectionReader).
#pragma once
#include <string>
#include <vector>

#include "base/event.h"
#include "base/result.h"
#include "operators/mysql/schema_loader.h"
#include "reconcile/reconcile_target.h"
#include "reconcile/table_diff.h"
#include "reconcile/table_pair.h"

namespace sluice::reconcile {

// A table of the source: its database and name, and (MySQL) its schema.
struct SourceTable {
  std::string db, table;
  operators::mysql::TableSchema schema;
};

class ReconcileSource {
 public:
  virtual ~ReconcileSource() = default;
  // The source's connector ("mysql", "mongodb"): what a sink's per-table expression sees.
  virtual std::string connector() const = 0;
  // Every table of the source's scope (connects on first use).
  virtual result<std::vector<SourceTable>> tables() = 0;
  // The pair's source table compared with `target`.
  virtual result<TableDiff> compare(const TablePair& pr, ReconcileTarget& target) = 0;
  // The events that repair `diff` (compare's, of the same pair): the missing and different rows
  // re-read from the source (op r), a delete for each extra one.
  virtual result<std::vector<Event>> repair(const TablePair& pr, const TableDiff& diff) = 0;
};

}  // namespace sluice::reconcile
