// What a DDL statement did to the rows a table already had, which the binlog does not list
// (docs/mysql.md "DDL that rewrites rows"): ALTER TABLE ... ADD COLUMN w INT NOT NULL DEFAULT 0
// gives every existing row w = 0 on the server, and no row event says so.
#pragma once
#include <string>

#include "operators/mysql/table_model.h"

namespace sluice::operators::mysql {

// The columns of `after` whose values in the rows the table had before the statement differ
// from what a target that applied only the binlog holds, described ("" when there is none):
// a column added with a default other than NULL, NOT NULL (its implicit default) or generated;
// a column that took the place of one gone (a rename); a column that became NOT NULL, or whose
// type changed other than widened (a longer VARCHAR, a larger integer, labels appended to an
// ENUM keep every value; a shorter or another type converts them, and so does a character set
// that lacks characters of the old one).
std::string rewritten_columns(const TableModel& before, const TableModel& after);

// Whether `after` holds every value of `before` unchanged (the same type, or one widened).
bool column_widened(const InfoColumn& before, const InfoColumn& after);

}  // namespace sluice::operators::mysql
