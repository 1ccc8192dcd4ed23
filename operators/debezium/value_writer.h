// Writes one column value in the JSON converter's form for its Debezium type (column_mapping.h):
// decimals as base64 big-endian unscaled bytes (or text / a double by decimal mode), dates as
// epoch days, times and timestamps in the unit of their logical type, bits little-endian. A
// value that does not fit its type, or would lose digits in it, is a permanent error (the
// sink dead-letters the record): nothing is rounded or wrapped.
#pragma once
#include <string>

#include "base/result.h"
#include "base/value.h"
#include "operators/debezium/column_mapping.h"

namespace sluice::operators::debezium {

result<void> append_value(Sym name, const Value& v, const EncType& t, std::string& out);

}  // namespace sluice::operators::debezium
