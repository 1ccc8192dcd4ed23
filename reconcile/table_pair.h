// One source table (a MySQL table, a MongoDB collection) and the copy a sink of the same
// pipeline writes: a PostgreSQL table (`sink postgres`) or a Delta table (`sink delta`).
#pragma once
#include <memory>
#include <string>

#include "operators/delta/table_store.h"
#include "operators/mysql/schema_loader.h"
#include "operators/postgres/sql_text.h"

namespace sluice::reconcile {

enum class TargetKind : uint8_t { Postgres, Delta };

struct TablePair {
  std::string source_stage, sink_stage;
  std::string connector = "mysql";       // the source's: "mysql", "mongodb"
  std::string db, table;                 // MongoDB: the database and the collection
  operators::mysql::TableSchema schema;  // MySQL
  TargetKind kind = TargetKind::Postgres;
  operators::postgres::QualifiedName target;  // Postgres: the table
  std::string url;                            // Postgres: the sink's URL
  // Delta: the table's location (a directory, s3://...) and its store (the sink's options).
  std::string location;
  std::shared_ptr<operators::delta::TableStore> store;

  // What the report names: "schema.table", or the Delta table's location.
  std::string target_name() const {
    return kind == TargetKind::Postgres ? target.display() : location;
  }
};

}  // namespace sluice::reconcile
