// What the binlog stream and the source ask the server: whether it can be streamed from
// (settings and privileges), its binlog position and GTID state now or at its oldest binlog,
// and its identity (@@server_id, @@server_uuid).
#pragma once
#include <cstdint>
#include <string>

#include "base/result.h"
#include "operators/mysql/binlog_position.h"
#include "operators/mysql/connection.h"

namespace sluice::operators::mysql {

// Checks that the server can be streamed from (log_bin, ROW format, FULL row image,
// privileges); returns a clear error naming the fix.
result<void> check_server(Connection& c);
// The binlog status (binlog_status_query) + the GTID state (@@gtid_binlog_pos on MariaDB,
// @@gtid_executed on MySQL) + @@server_id and @@server_uuid.
result<BinlogPosition> current_position(Connection& c);
// The statement that shows the binlog position for a server version (mysql_get_server_info):
// SHOW BINARY LOG STATUS on MySQL 8.2 and later (8.4 has no SHOW MASTER STATUS), SHOW MASTER
// STATUS on MariaDB and older MySQL.
std::string binlog_status_query(const std::string& version);
// Why a server with this @@binlog_row_value_options cannot be streamed ("" when it can).
std::string partial_json_refusal(const std::string& binlog_row_value_options);
// @@server_id.
result<uint32_t> server_id_of(Connection& c);
// @@server_uuid ("" on MariaDB, which has none).
std::string server_uuid_of(Connection& c);
result<BinlogPosition> earliest_position(Connection& c);

}  // namespace sluice::operators::mysql
