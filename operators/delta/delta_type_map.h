// Sluice value types and MySQL/MariaDB column types -> Delta Lake column types
// (docs/delta.md, "Types"): the exact type where Delta has one, text where it has none.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "base/value.h"
#include "operators/delta/parquet_column.h"

namespace sluice::operators::delta {

// The column for a source column declared as `source_type` ("decimal(15,2)", "bigint
// unsigned", "datetime(6)", "json", ...); nullopt when the declaration is not known.
std::optional<ColumnSchema> column_for_source(const std::string& name,
                                              std::string_view source_type);

// The column for a value when no declaration is known; nullopt for Null.
std::optional<ColumnSchema> column_for_value(const std::string& name, const Value& v);

// The Delta type of a column as the log's schemaString writes it: "long", "decimal(15,2)".
std::string delta_type_name(const ColumnSchema& c);

// The column a Delta type name describes (the inverse of delta_type_name); nullopt for types
// this sink does not write (struct, array, map, timestamp_ntz, ...).
std::optional<ColumnSchema> column_for_delta_type(const std::string& name,
                                                  std::string_view delta_type);

}  // namespace sluice::operators::delta
