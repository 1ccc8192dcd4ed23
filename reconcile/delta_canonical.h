// The canonical text sluice reconcile compares a MySQL value and its copy in a Delta table by
// (DeltaTarget): the value in its column's Parquet form (ParquetValueConverter), written out
// exactly — integers, dates (days) and timestamps (micros UTC) as integers, decimals as exact
// text at the column's scale, doubles with 17 significant digits, strings as they are, binary
// as hex. A MySQL value gets there as the sink's own would: converted as the snapshot converts
// it (text_to_value), typed by the sink's mapping (delta_type_map.h) and stored as the sink
// stores it (the text renderings of TIME, JSON, SET, wide decimals: sink_tables.h).
#pragma once
#include <string>

#include "base/result.h"
#include "base/value.h"
#include "operators/delta/parquet_column.h"
#include "operators/mysql/schema_loader.h"

namespace sluice::reconcile {

// A value read from a Delta table's column `c` (Null: kNullCell).
std::string delta_cell_text(const operators::delta::ColumnSchema& c, const Value& v);

// The column sink delta makes for a MySQL column (its declared type through delta_type_map).
operators::delta::ColumnSchema delta_column_of(const operators::mysql::ColumnSchema& source);

// A MySQL text-protocol value of column `source` as sink delta would hold it in `column`
// (delta_column_of(source)).
result<std::string> mysql_cell_text(const operators::mysql::ColumnSchema& source,
                                    const operators::delta::ColumnSchema& column,
                                    const std::string& text);

// A key value read from a Delta table as MySQL writes it in SQL (reported, re-read by a repair).
std::string mysql_key_text(const Value& v);

}  // namespace sluice::reconcile
