// A PostgreSQL table written by `sink postgres` (mode upsert) as a reconcile target: read by
// key range in one session (UTC, bytea as hex), each value canonicalized by its MySQL column
// type (postgres_canonical.h). A MongoDB collection (a layout of documents) compares the
// columns the table has (read from the catalog: `_id` first, the metadata columns left out),
// each value canonicalized by its PostgreSQL column type: a document's field as the sink writes
// it into that column, null when the document lacks it; a field the table has no column for
// makes the document differ. A repair run carries over the sink's exactly-once row in
// public.sluice_checkpoints.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "operators/postgres/sql_text.h"
#include "reconcile/reconcile_target.h"

namespace sluice::reconcile {

class PostgresTarget : public ReconcileTarget {
 public:
  PostgresTarget(std::string url, operators::postgres::QualifiedName table);
  ~PostgresTarget() override;

  std::string name() const override { return table_.display(); }
  result<void> begin(const RowLayout& layout) override;
  result<RowDigest> source_row(const operators::mysql::SqlRow& row) override;
  result<RowDigest> source_document(const Object& row) override;
  result<void> rows(const KeyRange& range, const std::function<void(RowDigest&&)>& each) override;
  result<void> carry_over(const std::string& repair_pipeline, const std::string& sink,
                          engine::Checkpoint& cp) override;

 private:
  struct Session;  // the connection and its transaction (libpqxx)
  result<void> connect();
  std::string range_query(const KeyRange& range) const;
  // Documents: the table's columns and their types from the catalog (none: no table yet).
  result<void> read_columns();
  // A cell as PostgreSQL returned it, by column i's type.
  std::string cell(size_t i, const char* text) const;

  std::string url_;
  operators::postgres::QualifiedName table_;
  std::unique_ptr<Session> session_;
  // The MySQL type of each column, in the layout's order; documents: the PostgreSQL type of
  // each compared column (format_type).
  std::vector<std::string> types_;
  bool documents_ = false;
  std::vector<std::string> names_;  // documents: each compared column's name, `_id` first
  size_t key_columns_ = 0;
  std::string select_;  // SELECT columns FROM table
  std::string key_;     // the quoted integer key column of a chunked layout
};

}  // namespace sluice::reconcile
