// Where a record's table may be: the `path` expression's result, checked so that what comes from
// the record (a table, database or field value) cannot lead the sink out of the place the
// expression names. MySQL and MariaDB take any character in a quoted table name: a table
// `../../x` with `path = "/lake/" + @table` would otherwise write a Delta table at /x (or into
// another table's directory).
#pragma once
#include <string>
#include <string_view>

#include "base/event.h"
#include "base/result.h"
#include "dsl/ast.h"
#include "operators/delta/delta_options.h"

namespace sluice::operators::delta {

// The leading part of a path expression that no record changes: the `+` operands before the
// first one that reads the record (a field or @table, @db, ...) or is not a constant string,
// evaluated once (string literals, env()). "" when the expression starts with the record.
std::string fixed_path_prefix(const ast::Expr& path);

// A table location (the expression's result): refused (errc path) when the part after `fixed`
// (the whole location when it does not start with it) has a "." or ".." component.
result<void> check_table_location(std::string_view location, std::string_view fixed);

// The location of the table an event goes to: the constant path, or the path expression
// evaluated on the event (trailing slashes dropped) and checked by check_table_location. The
// sink and `sluice reconcile` both find tables so.
result<std::string> table_location(const DeltaOptions& o, const Event& e);

}  // namespace sluice::operators::delta
