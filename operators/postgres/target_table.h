// The PostgreSQL table an event goes to: the `table` option, a constant or an expression
// evaluated on the event, as text parse_table_name reads ("schema.name", parts may be quoted).
//
// The dot that separates the schema is the expression's own: "ods." + @table,
// @source.db + "." + @table. What the record gives (@table, @source.db, a field) is part of one
// name, dots and quotes included: MySQL and MongoDB take any character in a table or collection
// name, and a MySQL table `other.secret` with table = @table would otherwise be written into the
// schema `other` (a TRUNCATE of it emptying other.secret). A source whose table is itself
// "schema.name" (a Kafka topic, a Debezium table of a PostgreSQL server:
// SourceMeta::table_qualified) keeps its dots as separators.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "base/event.h"
#include "base/result.h"
#include "dsl/ast.h"
#include "operators/postgres/sink_options.h"

namespace sluice::operators::postgres {

// The `+` operands of a table expression, each fixed text (an operand that reads no record and
// is a constant string) or compiled on its own.
result<std::vector<TablePart>> compile_table_parts(const ast::Expr& table,
                                                   const eval::Scope& scope);

// How many '.' and '"' a name holds.
size_t name_marks(std::string_view text);

// The table event `e` goes to; errors (the expression failed, gave no string or "") are
// permanent, with the eval error's code or errc::bad_table.
result<std::string> target_table(const SinkOptions& o, const Event& e);

}  // namespace sluice::operators::postgres
