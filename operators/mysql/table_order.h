// The order a snapshot reads its tables in: a table after the tables its foreign keys refer to
// (customers before orders), so that a target with the same foreign keys (docs/mysql.md
// recommends them for ON DELETE CASCADE) takes every snapshot row. Otherwise by name, as
// information_schema lists them. Tables whose foreign keys refer to each other in a cycle: one
// of them goes first (a target with such keys needs them DEFERRABLE, docs/mysql.md).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "operators/mysql/connection.h"
#include "operators/mysql/snapshot_reader.h"

namespace sluice::operators::mysql {

// A foreign key's two ends, each "db.table": (the referring table, the table it refers to).
using ForeignKeyEdge = std::pair<std::string, std::string>;

// Reorders `tables` (sorted by name) so that each comes after the tables it refers to.
void order_by_foreign_keys(std::vector<SnapshotTable>& tables,
                           const std::vector<ForeignKeyEdge>& edges);

// The server's foreign keys between two different tables (information_schema).
result<std::vector<ForeignKeyEdge>> foreign_key_edges(Connection& c);

}  // namespace sluice::operators::mysql
