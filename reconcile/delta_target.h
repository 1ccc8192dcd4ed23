// A Delta table written by `sink delta` (mode upsert: one current row per key) as a reconcile
// target: its current files (the log's adds minus removes) are read once, at begin(), into
// key -> row hash, and each chunk's rows are taken from there by key range. Values compare by
// delta_canonical.h's text. A MongoDB collection (a layout of documents) compares the columns
// the table holds: a document's field as the sink stores it in that column, null when the
// document lacks it, and a field the table has no column for makes the document differ. A repair
// run carries over the checkpoint id: the sink's `txn` version of the repair pipeline in the
// table's log, so the run's commits are not taken for a replay of the earlier repair's.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "operators/delta/parquet_column.h"
#include "operators/delta/table_store.h"
#include "reconcile/reconcile_target.h"

namespace sluice::reconcile {

class DeltaTarget : public ReconcileTarget {
 public:
  // `store`: the table's location, opened with the sink's options; read only.
  explicit DeltaTarget(std::shared_ptr<operators::delta::TableStore> store);

  std::string name() const override { return store_->location(); }
  result<void> begin(const RowLayout& layout) override;
  result<RowDigest> source_row(const operators::mysql::SqlRow& row) override;
  result<RowDigest> source_document(const Object& row) override;
  result<void> rows(const KeyRange& range, const std::function<void(RowDigest&&)>& each) override;
  result<void> carry_over(const std::string& repair_pipeline, const std::string& sink,
                          engine::Checkpoint& cp) override;

 private:
  // Reads every row of the table's current files into rows_.
  result<void> load();
  // The compared columns: the layout's (MySQL), or the table's own (documents: `_id` first,
  // then every column the sink added after its change columns); at: each one's table column.
  void compared_columns(const std::vector<operators::delta::ColumnSchema>& schema,
                        std::vector<size_t>& at);

  std::shared_ptr<operators::delta::TableStore> store_;
  RowLayout layout_;
  std::vector<operators::delta::ColumnSchema> columns_;  // the sink's column of each source one
  std::vector<std::string> names_;                       // each compared column's name
  // The table's rows: the integer key (chunked layouts; else 0) and the digest, by key.
  std::vector<std::pair<__int128, RowDigest>> rows_;
};

}  // namespace sluice::reconcile
