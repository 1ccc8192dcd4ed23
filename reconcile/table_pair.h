// One MySQL source table and the PostgreSQL table a sink of the same pipeline writes it to.
#pragma once
#include <string>

#include "operators/mysql/schema_loader.h"
#include "operators/postgres/sql_text.h"

namespace sluice::reconcile {

struct TablePair {
  std::string source_stage, sink_stage;
  std::string db, table;
  operators::mysql::TableSchema schema;
  operators::postgres::QualifiedName target;
  std::string url;  // the sink's PostgreSQL URL
};

}  // namespace sluice::reconcile
