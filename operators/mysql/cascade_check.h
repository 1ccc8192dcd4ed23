// Foreign keys whose ON DELETE / ON UPDATE action (CASCADE, SET NULL, SET DEFAULT) changes rows of
// a captured table. MySQL and MariaDB do not write the rows such an action changes to the binlog
// (the storage engine changes them inside the parent's statement), so no binlog reader sees them,
// Debezium included, and a target keeps rows the source deleted or changed that way. The source
// warns once per such foreign key when it opens (docs/mysql.md, "Foreign keys with actions").
#pragma once
#include <string>
#include <vector>

#include "base/result.h"
#include "operators/mysql/connection.h"
#include "operators/mysql/mysql_config.h"

namespace sluice::operators::mysql {

// One sentence per foreign key of a table `filter` captures whose action changes its rows.
result<std::vector<std::string>> cascade_warnings(Connection& c, const TableFilter& filter);

}  // namespace sluice::operators::mysql
