// The evaluated options of one `postgres` sink instance: the fields bound to the spec
// (postgres_spec.cpp) and what from_config works out from them.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "dsl/eval/expr.h"
#include "engine/core/operator.h"

namespace sluice::operators::postgres {

// In the order of the options' enum_values (postgres_spec.cpp).
enum class Mode : uint8_t { Upsert, Append, SoftDelete };
enum class CopyFormat : uint8_t { Binary, Text };

// One `+` operand of the table expression: fixed text the expression writes itself (string
// literals, env()), or an expression on the record (@table, @source.db, a field). `written`: the
// dots and quotes of its value are the expression's (fixed text, or an operand with a string
// literal holding one: if @source.db == "a" then "x." else "y."); otherwise they are part of a
// name.
struct TablePart {
  eval::ExprPtr record;  // null for fixed text
  std::string fixed;
  bool written = true;
};

struct SinkOptions {
  std::string url;             // never logged
  eval::ExprPtr table;         // per record; null when table_constant is used
  std::string table_constant;  // a constant string table option (tests, engine)
  // The table expression's `+` operands (target_table.h), and how many '.' and '"' the fixed
  // ones hold: a name with more has some from the record.
  std::vector<TablePart> table_parts;
  size_t table_fixed_marks = 0;
  // The table is the same for every event of one source table (no field in the expression):
  // the planner works it out once per SourceMeta instead of once per event.
  bool table_per_source = true;
  Mode mode = Mode::Upsert;
  std::vector<std::string> key;  // empty = record key / source primary key
  bool create_tables = true;
  bool metadata_columns = false;
  int64_t batch_rows = 2000;
  int64_t batch_delay_us = 100000;
  bool batch_adaptive = true;            // flush when the input has caught up (Sink::idle)
  bool batch_pipelined = true;           // plan and accept the next batch while one commits
  int connections = 1;                   // slots applying a batch in parallel (1..16)
  CopyFormat copy = CopyFormat::Binary;  // binary: where every column allows it
  std::string pipeline;                  // for sluice_checkpoints
  std::string stage;
  // on_error resolves to fail (StageConfig::on_error): a record that cannot be written fails its
  // flush and nothing of that transaction commits, so that a restart writes it again.
  bool dead_letters_fail = false;
  int64_t epoch = 0;  // cluster assignment epoch; 0 = not fenced

  bool binary_copy() const { return copy == CopyFormat::Binary; }

  // The bound options plus the compiled table expression and the instance's identity;
  // registers the URL's password (and the URL) as secrets.
  static result<SinkOptions> from_config(const StageConfig& cfg);
};

}  // namespace sluice::operators::postgres
