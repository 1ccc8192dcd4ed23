// Values -> PostgreSQL COPY text format (tab separated, \N for NULL, backslash escapes).
// Exact: decimals as their digits, timestamps with microseconds, bytea as hex.
#pragma once
#include <string>
#include <string_view>

#include "base/value.h"
#include "operators/postgres/type_map.h"

namespace sluice::operators::postgres {

// Appends s with COPY text escapes (\\ \n \r \t).
void append_copy_escaped(std::string_view s, std::string& out);
// Appends v as one COPY field for a column written as `kind`.
void append_copy_value(const Value& v, ColKind kind, std::string& out);
// The unescaped text of v as PostgreSQL would read it for `kind` (SQL literals, keys).
std::string pg_text(const Value& v, ColKind kind);

}  // namespace sluice::operators::postgres
