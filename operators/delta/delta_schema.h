// A Delta table's schema as its log writes it: the metaData action's `schemaString`, a Spark
// StructType in JSON ({"type":"struct","fields":[{"name","type","nullable","metadata"}]}).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/value.h"
#include "operators/delta/parquet_column.h"

namespace sluice::operators::delta {

std::string schema_string(const std::vector<ColumnSchema>& columns);

// The columns of a schemaString; an error names a field of a type this sink cannot write.
result<std::vector<ColumnSchema>> parse_schema_string(const std::string& text);

// The same columns (names, types, nullability) in the same order.
bool same_schema(const std::vector<ColumnSchema>& a, const std::vector<ColumnSchema>& b);

// A column name Spark (and Databricks) refuse in a Delta table without column mapping: it has
// a space or one of `,;{}()=`, a newline or a tab. DuckDB, delta-rs and Trino read such names.
bool spark_refuses_column_name(std::string_view name);

}  // namespace sluice::operators::delta
