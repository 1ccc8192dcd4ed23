// Entries of `tables` that name no table of the server. A typo ("custmers") captures nothing and,
// before this check, said nothing: the pipeline ran, idle. The source warns once per such entry
// when its stream first starts, with the closest table name (docs/mysql.md, "Tables").
#pragma once
#include <string>
#include <vector>

#include "base/result.h"
#include "operators/mysql/connection.h"
#include "operators/mysql/mysql_config.h"

namespace sluice::operators::mysql {

// One sentence per pattern of `filter` that matches no base (or system-versioned) table now.
result<std::vector<std::string>> unmatched_table_warnings(Connection& c, const TableFilter& filter);

}  // namespace sluice::operators::mysql
