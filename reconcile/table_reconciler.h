// Compares one MySQL table with its PostgreSQL copy (sluice reconcile): rows are read from
// both sides in primary-key chunks (keyset pagination on an integer key; one chunk otherwise),
// each chunk's checksum (row count + sum of row hashes over canonical text) is compared first
// and only differing chunks are compared row by row. Values are canonicalized by the MySQL
// column type so both sides' text forms agree (timestamps in UTC, trailing fraction zeros,
// bytea hex, booleans, JSON re-encoded).
#pragma once
#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "base/result.h"
#include "operators/mysql/connection.h"
#include "operators/mysql/schema_loader.h"

namespace sluice::reconcile {

struct TableDiff {
  std::string source;  // db.table
  std::string target;  // schema.table
  uint64_t source_rows = 0, target_rows = 0;
  uint64_t chunks = 0, differing_chunks = 0;
  // Primary keys (canonical text, one entry per key column).
  std::vector<std::vector<std::string>> missing, extra, different;
  bool in_sync() const { return missing.empty() && extra.empty() && different.empty(); }
};

class TableReconciler {
 public:
  TableReconciler(operators::mysql::Connection& my, pqxx::connection& pg, int64_t chunk_rows)
      : my_(my), pg_(pg), chunk_rows_(chunk_rows) {}

  result<TableDiff> compare(const std::string& db, const std::string& table,
                            const operators::mysql::TableSchema& schema,
                            const std::string& pg_schema, const std::string& pg_table);

  // The canonical text of a value of a MySQL column type (data_type as in
  // information_schema), as read from MySQL (from_pg false) or PostgreSQL (true).
  static std::string canonical(const std::string& data_type, const std::string& text, bool from_pg);

 private:
  operators::mysql::Connection& my_;
  pqxx::connection& pg_;
  int64_t chunk_rows_;
};

}  // namespace sluice::reconcile
