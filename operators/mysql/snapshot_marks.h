// What a snapshot read tells about itself in Debezium's `source` block: which row of the
// snapshot it is (first, last, first or last of its table) and the binlog position the
// snapshot stands at (Event::origin, server_id 0 as Debezium writes it).
#pragma once
#include <memory>
#include <vector>

#include "base/event.h"

namespace sluice::operators::mysql {

// Debezium's precedence: the last row of the last table is "last", the first row of the
// first table "first", then last and first of a table, else "true".
SnapshotMark snapshot_mark(bool first_in_table, bool last_in_table, bool first_table,
                           bool last_table);

// The origin of snapshot reads at `position` (an object with file and pos, as
// snapshot_position() and the chunked snapshot make it); null when it has none.
std::shared_ptr<const LogOrigin> snapshot_origin(const Value& position);

// The chunk reads of a lock-free snapshot among out[from..] (op r, no origin yet): marked
// "incremental", as Debezium marks the rows of its incremental snapshots, with the origin of
// their position.
void mark_incremental(std::vector<Event>& out, size_t from);

}  // namespace sluice::operators::mysql
