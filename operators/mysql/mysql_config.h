// The options of `source mysql`, read from a StageConfig (DSL.md §9), and the table filter.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/core/operator.h"
#include "operators/mysql/connection.h"
#include "operators/mysql/mysql_options.h"

namespace sluice::operators::mysql {

struct StartPosition {
  enum class Kind : uint8_t { Earliest, Latest, FilePos, Gtid } kind = Kind::Latest;
  std::string file;
  uint64_t pos = 4;
  std::string gtid;
};

// "db.table" patterns: "name" (in `database`), "db.name", "db.*", "*" wildcards.
class TableFilter {
 public:
  TableFilter() = default;
  TableFilter(std::string database, const std::vector<std::string>& tables);
  bool matches(const std::string& db, const std::string& table) const;
  // Some pattern's database part matches `db` (a captured database: its DDL statements, also
  // those of tables not captured, are schema-change events, as Debezium writes them).
  bool matches_database(const std::string& db) const;
  const std::vector<std::string>& patterns() const { return patterns_; }

 private:
  std::string database_;
  std::vector<std::string> patterns_;  // always "db.table" with '*' wildcards
};

bool wildcard_match(const std::string& pattern, const std::string& text);

// The strings of a list value (others left out), or the value itself when it is a string.
std::vector<std::string> strings_of(const Value* v);

// `key = ["a"]` (every table without a primary key) or
// `key { "bank.audit_log" = ["ts", "user_id"]  "bank.*_log" = ["id"] }`: the key columns of
// tables without a primary key, per table. A pattern without wildcards wins over patterns
// with them; among those the first written wins; the list form applies to the rest.
class KeyRules {
 public:
  struct Rule {
    std::string pattern;  // "db.table" with '*' wildcards
    std::vector<std::string> columns;
  };
  KeyRules() = default;
  KeyRules(const std::string& database, std::vector<std::string> all, std::vector<Rule> rules);
  // The key columns for db.table; empty when none is given.
  const std::vector<std::string>& columns(const std::string& db, const std::string& table) const;
  bool empty() const { return all_.empty() && rules_.empty(); }

 private:
  std::vector<std::string> all_;
  std::vector<Rule> rules_;
};

struct MySqlConfig {
  std::string name;     // stage name
  ConnectOptions conn;  // the first of `hosts`
  // `host = "primary:3306, replica:3307"`: the servers to stream from, in order of preference
  // (a host without a port takes `port`). Resume on another one than the checkpoint's is by
  // GTID (docs/mysql.md, "Failover").
  std::vector<ConnectOptions> hosts;
  uint32_t server_id = 0;
  std::string database;
  std::vector<std::string> tables;
  SnapshotMode snapshot = SnapshotMode::Initial;
  SnapshotMethod snapshot_method = SnapshotMethod::LockFree;
  int parallelism = 1;  // snapshot chunks read at a time (lock_free)
  // Most snapshot rows read a second, over every table and chunk (0: no limit).
  int64_t rows_per_second = 0;
  SnapshotWatermark watermark = SnapshotWatermark::Auto;
  // "db.table" whose inserted rows are snapshot signals (Debezium's shape); "" = none.
  std::string signal_table;
  bool include_query = false;  // origins carry the statement (binlog annotations)
  StartPosition start;         // used when snapshot = never
  bool start_given = false;
  int64_t heartbeat_us = 1000000;
  // How long the binlog connection may stay lost (reconnecting with backoff) before the source
  // fails.
  int64_t reconnect_timeout_us = 600LL * 1000000;
  SchemaChanges schema_changes = SchemaChanges::Follow;
  PartitionChanges partition_changes = PartitionChanges::Reread;
  TableRewrites table_rewrites = TableRewrites::Reread;
  KeyRules key;  // explicit key columns for tables without a primary key
  int64_t chunk_rows = 10000;
  size_t queue_events = 65536;  // most decoded events buffered ahead of poll()
  TableFilter filter() const { return TableFilter(database, tables); }
};

result<StartPosition> parse_start(const std::string& text);
// "h1, h2:3307, [::1]:3308" -> one ConnectOptions each (port `port` when not given).
result<std::vector<ConnectOptions>> parse_hosts(const std::string& text,
                                                const ConnectOptions& base);
result<MySqlConfig> read_config(const StageConfig& c);

}  // namespace sluice::operators::mysql
