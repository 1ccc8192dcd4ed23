// A delta sink's tables as a tool outside the sink reads them (sluice reconcile): the store of a
// table location opened as the sink opens it (a local directory, or s3:// with the sink's
// `s3 { }` options), and the value a column holds for a source value (the sink's text renderings
// of what a `string` column takes: JSON for nested values, exact decimal text, TIME as text).
#pragma once
#include <memory>
#include <string>

#include "base/result.h"
#include "base/value.h"
#include "operators/delta/delta_options.h"
#include "operators/delta/parquet_column.h"
#include "operators/delta/table_store.h"

namespace sluice::operators::delta {

class S3Client;

// The store of `location` with the sink's options: a LocalTableStore, or an S3TableStore whose
// staging directory is the sink's (o.staging_dir). `client`: an S3 client to share between
// tables (made on first use when it is empty); null: one of its own.
result<std::shared_ptr<TableStore>> open_table_store(const DeltaOptions& o,
                                                     const std::string& location,
                                                     std::shared_ptr<S3Client>* client = nullptr);

// Whether column `c` holds a source value `v` as text (a `string` column given another type).
inline bool stored_as_text(const ColumnSchema& c, const Value& v) {
  return c.type == ColumnType::String && v.type() != Type::String && !v.is_null();
}
// The text a `string` column holds for `v`: JSON for nested values, exact decimal text, the
// rest as displayed (TIME "13:45:59.123456").
Value text_of(const Value& v);
// The value column `c` holds for a source value `v` — as DeltaTable::fill_row stores it: `v`
// itself, or for a `string` column a value of another type as text.
Value stored_value(const ColumnSchema& c, const Value& v);

}  // namespace sluice::operators::delta
