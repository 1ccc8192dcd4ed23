// Compares one MySQL table with the copy a sink writes (sluice reconcile), whatever the target
// (reconcile_target.h): rows are read from MySQL in primary-key chunks (keyset pagination on an
// integer key; one chunk otherwise) and from the target by the same key range, each chunk's
// checksum (row count + sum of row hashes over canonical text) is compared first and only
// differing chunks are compared row by row.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "operators/mysql/connection.h"
#include "operators/mysql/schema_loader.h"
#include "reconcile/reconcile_target.h"
#include "reconcile/table_diff.h"

namespace sluice::reconcile {

class TableReconciler {
 public:
  TableReconciler(operators::mysql::Connection& my, int64_t chunk_rows)
      : my_(my), chunk_rows_(chunk_rows) {}

  result<TableDiff> compare(const std::string& db, const std::string& table,
                            const operators::mysql::TableSchema& schema, ReconcileTarget& target);

 private:
  // Compares the chunk after `lo` and moves `lo` past it; true when it was the last.
  result<bool> compare_chunk(const RowLayout& layout, ReconcileTarget& target, std::string& lo,
                             TableDiff& diff);
  std::string chunk_query(const RowLayout& layout, const std::string& lo) const;

  operators::mysql::Connection& my_;
  int64_t chunk_rows_;
};

}  // namespace sluice::reconcile
