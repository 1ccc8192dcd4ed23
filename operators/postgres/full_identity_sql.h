// Statements that apply one change of a table without a key the way PostgreSQL's logical
// replication applies REPLICA IDENTITY FULL: an update or a delete changes exactly one row
// equal in every column to the before image (NULL-safe; json compared as jsonb, types
// without equality as text). soft_delete: only live rows match and a delete marks the row.
// Inserts are COPied by TableWriter, in order with these statements.
#pragma once
#include <string>

#include "operators/postgres/sink_options.h"
#include "operators/postgres/write_group.h"

namespace sluice::operators::postgres {

// Appends the statement for `it` (an update or a delete of g's table) to `sql`, ending in ';'.
void append_full_identity_change(const WriteGroup& g, const WriteItem& it, Mode mode,
                                 std::string& sql);

}  // namespace sluice::operators::postgres
