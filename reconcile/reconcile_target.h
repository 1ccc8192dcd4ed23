// The copy of a source table (a MySQL table, a MongoDB collection) that a sink writes, as
// sluice reconcile reads it: the source side (reconcile_source.h) reads the source in key chunks
// and compares each with the target's rows of the same keys.
// A target says how a source row (MySQL text, or a document's decoded fields) reads as it would
// hold it (the same canonical text as its own
// rows), gives its rows by key range, and what a repair run through its sink continues from.
// PostgresTarget (a table of `sink postgres`), DeltaTarget (a table of `sink delta`).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/value.h"
#include "engine/actors/checkpoint_store.h"
#include "operators/mysql/connection.h"
#include "operators/mysql/schema_loader.h"
#include "reconcile/row_digest.h"

namespace sluice::reconcile {

// What is compared: the source table's columns, its key columns first.
struct RowLayout {
  std::string db, table;
  std::vector<const operators::mysql::ColumnSchema*> columns;
  size_t key_columns = 0;
  // Keyset chunks over the one integer key column; else the table is one chunk.
  bool chunked = false;
  // A MongoDB collection: no declared columns; the target compares the columns it holds (key
  // `_id` first) with the document's fields of those names, in one chunk.
  bool documents = false;
};

// The rows whose integer key is in (lo, hi], as decimal text; "" = unbounded.
struct KeyRange {
  std::string lo, hi;
};

class ReconcileTarget {
 public:
  virtual ~ReconcileTarget() = default;
  // What the report names: "schema.table", a Delta table's location.
  virtual std::string name() const = 0;
  // Once, before the first chunk.
  virtual result<void> begin(const RowLayout& layout) = 0;
  // A source row (text protocol, in the layout's column order) as this target would hold it.
  virtual result<RowDigest> source_row(const operators::mysql::SqlRow& row) = 0;
  // A document's row (the fields the source's events carry) as this target would hold it
  // (layouts of documents); the digest's key_text is the _id as the target holds it.
  virtual result<RowDigest> source_document(const Object& row);
  // Every row of the target in `range` (the whole table when the layout is not chunked).
  virtual result<void> rows(const KeyRange& range,
                            const std::function<void(RowDigest&&)>& each) = 0;
  // A repair run of pipeline `repair_pipeline` is about to write through `sink`: what it must
  // continue from (the sink's exactly-once marker of earlier repairs) goes into `cp`, the
  // checkpoint the run starts from.
  virtual result<void> carry_over(const std::string& repair_pipeline, const std::string& sink,
                                  engine::Checkpoint& cp) = 0;
};

// The text a document's field the table has no column for adds to the document's cells (the
// document then differs from every row).
std::string unknown_field_cell(const std::string& name, const Value& v);

}  // namespace sluice::reconcile
