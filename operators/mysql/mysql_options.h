// The options of a `mysql` source as declared in its spec (mysql_spec.cpp), one field each;
// read_config (mysql_config.h) works out the connection list, start position and key rules.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/value.h"

namespace sluice::operators::mysql {

// In the order of the options' enum_values (mysql_spec.cpp).
enum class SnapshotMode : uint8_t { Initial, Never, Only };
enum class SnapshotMethod : uint8_t { LockFree, Consistent };
// How a lock-free chunk is placed among the changes: the view's binlog position (MariaDB) or
// watermark rows in the signal table (any server: MySQL 8); auto picks the first that works.
enum class SnapshotWatermark : uint8_t { Auto, View, SignalTable };
enum class SchemaChanges : uint8_t { Follow, Fail, Ignore };
// What partition maintenance that adds or removes rows without row events does (docs/mysql.md
// "Partition maintenance").
enum class PartitionChanges : uint8_t { Reread, Warn };
// What DDL that changes the values of rows a table had, without row events, does (docs/mysql.md
// "DDL that rewrites rows").
enum class TableRewrites : uint8_t { Reread, Warn };
// `tls { mode = ... }`, like the mysql client's --ssl-mode (docs/mysql.md "TLS").
enum class TlsMode : uint8_t { Disabled, Preferred, Required, VerifyCa, VerifyIdentity };

struct MySqlOptions {
  std::string host = "127.0.0.1";  // one, or "primary:3306, replica:3307"
  int port = 3306;
  std::string user;
  std::string password;
  std::string server_public_key;
  TlsMode tls_mode = TlsMode::Preferred;  // tls { mode ca cert key }
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
  uint32_t server_id = 0;
  std::string database;
  std::vector<std::string> tables;
  SnapshotMode snapshot = SnapshotMode::Initial;
  SnapshotMethod snapshot_method = SnapshotMethod::LockFree;
  int snapshot_parallelism = 1;
  int64_t snapshot_rows_per_second = 0;
  SnapshotWatermark snapshot_watermark = SnapshotWatermark::Auto;
  std::string signal_table;
  bool include_query = false;
  // Read by the engine (engine/actors/stage_options.cpp): where changes the source cannot pass
  // on as rows go (errc::statement_change, errc::partial_row).
  std::string dead_letter;
  std::string on_error;
  int64_t heartbeat_us = 1000000;
  int64_t reconnect_timeout_us = 600LL * 1000000;
  SchemaChanges schema_changes = SchemaChanges::Follow;
  PartitionChanges partition_changes = PartitionChanges::Reread;
  TableRewrites table_rewrites = TableRewrites::Reread;
  Value key;  // a list of columns, or an object of "pattern" = [columns]
  int64_t chunk_rows = 10000;
};

}  // namespace sluice::operators::mysql
