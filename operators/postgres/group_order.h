// The order of a batch's groups by the target's foreign keys (BatchPlanner::Order::Keys): a
// table's upserts after those of the tables its foreign keys refer to (TableInfo::refers_to),
// then the deletes the other way round, each group split in two (within a table, upserts still
// come before deletes, as TableWriter applies one group). Groups whose tables are not related
// by a key, and batches with a table applied by full row identity, are left as they are.
#pragma once
#include <vector>

#include "operators/postgres/write_group.h"

namespace sluice::operators::postgres {

void order_by_foreign_keys(std::vector<WriteGroup>& groups);

}  // namespace sluice::operators::postgres
