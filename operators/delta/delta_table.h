// One Delta table the sink writes (append mode): its log, its schema (the log's, grown by
// the columns that events bring), the data file being written and the files closed since the
// last commit.
#pragma once
#include <cstdint>
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

namespace sluice::operators::delta {

struct TableSettings {
  int64_t file_rows = 1000000;
  int64_t file_size = 128LL << 20;
  ParquetOptions parquet;
  std::string file_prefix;  // "part-<run nonce>": data files are <prefix>-<n>.<codec>.parquet
};

class DeltaTable {
 public:
  DeltaTable(std::string dir, TableSettings settings);
  ~DeltaTable();

  // Loads the log: an existing table's schema is the start.
  result<void> open();
  // One event as a row. A permanent error: the event cannot be a row of this table (the
  // message says why); nothing of it is written. A fatal error: the data file failed.
  result<void> append(const Event& e);
  // Closes the data file being written (its add goes to the sealed files).
  result<void> seal();
  // The files closed since the last call, and the schema they were written with.
  std::vector<AddFile> take_sealed() { return std::move(sealed_); }
  const std::vector<ColumnSchema>& schema() const { return schema_; }
  DeltaLog& log() { return log_; }
  const std::string& dir() const { return dir_; }
  int64_t rows_written() const { return rows_written_; }

 private:
  result<void> ensure_columns(const Event& e);
  void add_column(ColumnSchema c);
  result<void> start_file();
  void fill_row(const Event& e);
  std::string stats_of(const ParquetWriter& w) const;

  std::string dir_;
  TableSettings settings_;
  DeltaLog log_;
  std::vector<ColumnSchema> schema_;
  std::unordered_map<Sym, size_t> column_of_;  // data column name -> index in schema_
  std::unique_ptr<ParquetWriter> writer_;      // the file being written, or null
  std::string writer_path_;                    // its name below dir_
  int64_t file_seq_ = 0;
  std::vector<AddFile> sealed_;
  int64_t rows_written_ = 0;
  // The row being appended: one value per column (converted where the column is text).
  std::vector<Value> scratch_;
  std::vector<const Value*> row_;
};

}  // namespace sluice::operators::delta
