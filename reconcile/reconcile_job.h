// sluice reconcile as a job: for each `source mysql` and `source mongodb` of a file, compares
// its tables (collections) with the
// copies its upsert sinks write (PostgreSQL tables, Delta tables) and, when asked, repairs the
// differences through those sinks and compares again. What it finds is told to an observer (the
// CLI prints it).
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "dsl/ast.h"
#include "reconcile/mongo_source_side.h"
#include "reconcile/table_diff.h"
#include "reconcile/table_pair.h"

namespace sluice::reconcile {

struct ReconcileOptions {
  int64_t chunk_rows = 10000;
  bool repair = false;
  std::string pipeline;  // "" = every pipeline of the file
  // The reader of each `source mongodb` (unset: libmongoc, MongoSourceSide::mongoc_reader).
  MongoReaderFactory mongo_reader;
};

struct ReconcileObserver {
  std::function<void(const std::string& sink)> skipped_sink;  // not an upsert sink
  std::function<void(const TablePair&, const TableDiff&)> compared;
  std::function<void(const std::string& source, const std::string& sink, size_t rows)> repairing;
  std::function<void(const TablePair&, bool in_sync)> after_repair;
};

enum class ReconcileStatus { InSync, Differs, NothingToCompare, Invalid, Failed };

struct ReconcileOutcome {
  ReconcileStatus status = ReconcileStatus::InSync;
  std::string message;  // what went wrong (Invalid, Failed)
};

ReconcileOutcome reconcile_file(ast::File& file, const ReconcileOptions& options,
                                const ReconcileObserver& observer);

}  // namespace sluice::reconcile
