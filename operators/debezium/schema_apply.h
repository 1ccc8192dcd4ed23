// Converts a value parsed from a Debezium JSON payload to its Sluice type per its compiled
// schema (field_schema.h): the logical types first (decimals, temporal types, JSON, enum sets,
// bits), else by primitive type (bytes, floats, and structs, arrays and maps field by field).
#pragma once
#include "base/result.h"
#include "base/value.h"
#include "operators/debezium/field_schema.h"

namespace sluice::operators::debezium {

// In place; errors name the field.
result<void> apply_schema(const FieldSchema& s, Value& v);

}  // namespace sluice::operators::debezium
