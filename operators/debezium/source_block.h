// The envelope's `source` block. Events of the mysql source (SourceMeta::connector "mysql")
// get Debezium's MySQL connector block, io.debezium.connector.mysql.Source (2.7): version,
// connector, name, ts_ms, snapshot, db, sequence, ts_us, ts_ns, table, server_id, gtid, file,
// pos, row, thread, query, filled from Event::origin (binlog event header, GTID, BEGIN's
// thread); other events a block of the same common fields named
// io.debezium.connector.sluice.Source with their `position` as JSON text.
#pragma once
#include <string>

#include "base/event.h"

namespace sluice::operators::debezium {

// The block's schema (a field of the Envelope struct, named "source").
const std::string& source_schema(const Event& e);
// The block's payload; `server` is the logical server name (Debezium's topic.prefix).
void append_source(const Event& e, const std::string& server, std::string& out);
// Debezium's source.snapshot text for the event.
const char* snapshot_text(const Event& e);

}  // namespace sluice::operators::debezium
