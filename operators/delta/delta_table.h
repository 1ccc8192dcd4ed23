// One Delta table the sink writes: its log, its schema (the log's, grown by the columns that
// events bring), and what its next commit holds. Mode append writes each event as a row of
// the file being written; mode upsert stages the changes (UpsertBatch) and applies them at
// the commit, copy-on-write (UpsertMerge).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/event.h"
#include "base/result.h"
#include "base/symbol.h"
#include "operators/delta/delta_log.h"
#include "operators/delta/parquet_column.h"
#include "operators/delta/parquet_writer.h"
#include "operators/delta/pending_commit.h"
#include "operators/delta/table_store.h"
#include "operators/delta/upsert_batch.h"

namespace sluice::operators::delta {

struct TableSettings {
  int64_t file_rows = 1000000;
  int64_t file_size = 128LL << 20;
  ParquetOptions parquet;
  std::string file_prefix;  // "part-<run nonce>": data files are <prefix>-<n>.<codec>.parquet
  bool upsert = false;
  std::vector<std::string> key;  // upsert: key columns; empty: the source's primary key
  int64_t optimize_files = 10;   // compact at this many small files; 0: never
  // A checkpoint of the log after every N-th commit; 0: never.
  int64_t log_checkpoint_every = 10;
};

class DeltaTable {
 public:
  DeltaTable(std::shared_ptr<TableStore> store, TableSettings settings);
  // A table in a local directory.
  DeltaTable(const std::string& dir, TableSettings settings);
  ~DeltaTable();

  // Loads the log: an existing table's schema and files are the start.
  result<void> open();
  // One event. A permanent error: the event cannot be a row of this table (the message says
  // why); nothing of it is kept. A fatal error: a data file failed.
  result<void> apply(const Event& e);
  // What the next commit of this table holds (its files durable): the files written since
  // the last call and, for upsert, the staged changes merged. Empty adds and removes: nothing.
  result<TableCommit> prepare_commit();

  const std::vector<ColumnSchema>& schema() const { return schema_; }
  DeltaLog& log() { return log_; }
  const std::string& dir() const { return dir_; }
  TableStore& store() const { return *store_; }
  const TableSettings& settings() const { return settings_; }
  // The table's files as the commits prepared so far leave them (the log's, then each
  // prepared commit's removes and adds).
  const std::map<std::string, AddFile>& live() const { return live_; }

  // For UpsertMerge: a row in this table's column order (shorter rows: the rest null).
  result<void> write_cells(std::vector<Value>& cells);
  result<void> seal();
  // Key (or, keyless, identity) text of a row in this table's column order.
  std::string key_of_cells(const std::vector<Value>& cells) const;
  bool keyed() const { return !key_index_.empty(); }
  size_t first_key_column() const { return key_index_.empty() ? 0 : key_index_[0]; }

 private:
  result<void> ensure_columns(const Event& e);
  void add_column(ColumnSchema c);
  // A new column whose name Spark refuses (spark_refuses_column_name): a warning.
  void warn_spark_name(const std::string& name) const;
  result<void> start_file();
  void fill_row(const Event& e);
  result<void> check_row();
  result<void> append_row();
  result<void> stage(const Event& e);
  result<void> resolve_key(const Event& e);
  result<std::string> key_of_row() const;
  std::string identity_of(const Object& image) const;
  std::string stats_of(const ParquetWriter& w) const;
  result<void> compact(TableCommit& c);

  std::shared_ptr<TableStore> store_;
  std::string dir_;  // its location, for messages
  TableSettings settings_;
  DeltaLog log_;
  std::vector<ColumnSchema> schema_;
  std::unordered_map<Sym, size_t> column_of_;  // column name -> index in schema_
  std::unique_ptr<ParquetWriter> writer_;      // the file being written, or null
  std::unique_ptr<ParquetWriter> checker_;     // upsert: checks staged rows (no file)
  std::string writer_path_;                    // its name below dir_
  int64_t file_seq_ = 0;
  std::vector<AddFile> sealed_;
  std::map<std::string, AddFile> live_;
  UpsertBatch batch_;
  std::vector<size_t> key_index_;  // upsert: the key columns (empty: keyless)
  // The row being appended: one value per column (converted where the column is text).
  std::vector<Value> scratch_;
  std::vector<const Value*> row_;
};

}  // namespace sluice::operators::delta
