// The change event (DSL.md §4) and the batch that carries events between actors.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/error_code.h"
#include "base/value.h"

namespace sluice {

// Truncate: every row of the event's source table was removed (MySQL TRUNCATE TABLE); the
// event carries no row and no key, only `source` (db/table) and `ts`/`position`.
// Schema: the definition of the event's source table changed (a DDL statement): `row` holds
// {databaseName, ddl, tableChanges} (the payload of Debezium's schema-change event, see
// docs/mysql.md "Schema-change events"), no key. Only stages whose kind accepts them
// (KindSpec::schema_changes) receive them; the engine drops them before any other.
enum class Op : char {
  Create = 'c',
  Update = 'u',
  Delete = 'd',
  Read = 'r',
  Truncate = 't',
  Schema = 's'
};

// Where events come from; shared by all events of one table (never copied per row).
struct SourceMeta {
  std::string connector;  // "file", "generate", "mysql", ...
  std::string name;       // source stage name
  std::string db;
  std::string table;
  // `table` is itself "schema.name" (a Kafka topic, a Debezium table of a PostgreSQL or SQL
  // Server source): sinks take its dots as separators. Otherwise db and table are each one name
  // (MySQL and MongoDB take dots and quotes in names), whatever characters they hold.
  bool table_qualified = false;
  std::vector<std::string> primary_key;  // column names, when known
  // Source column types as the source database declares them, parallel lists, when known
  // (e.g. "decimal(15,2)", "bigint unsigned", "set('a','b')", "datetime(6)", "json"). Sinks
  // that create tables (postgres) map them to exact target types; empty = infer from values.
  std::vector<std::string> column_names;
  std::vector<std::string> column_types;
  // Parallel to column_names when known: the column is declared NOT NULL.
  std::vector<bool> column_not_null;
};

// Where a change was made in its source database's log, for sinks that report it (Debezium's
// `source` block). The mysql source shares one between the rows of a binlog rows event; a
// snapshot read carries the binlog position its snapshot started at (server_id 0).
struct LogOrigin {
  int64_t server_id = 0;  // the server that wrote the event (binlog event header)
  std::string file;       // binlog file of the event
  int64_t pos = 0;        // offset of the event's start in `file`
  std::string gtid;       // the transaction's GTID ("0-1-37", "uuid:5"); empty: none
  int64_t thread = -1;    // thread id of the transaction's BEGIN (MySQL); -1: not known
  int64_t txn_pos = 0;    // where the transaction starts in `file` (its GTID or BEGIN event)
  std::string query;      // the statement (binlog annotations), when asked for; empty: none
};

// How a snapshot read (op r) sits in its snapshot, as Debezium's source.snapshot reports it.
enum class SnapshotMark : uint8_t {
  None,          // not a snapshot read, or not known
  Middle,        // "true"
  First,         // "first": the first row of the snapshot
  FirstInTable,  // "first_in_data_collection"
  LastInTable,   // "last_in_data_collection"
  Last,          // "last": the last row of the snapshot
  Incremental,   // "incremental": read in chunks beside the binlog (lock-free snapshot)
};

// Attached to an event routed to a dead-letter sink (DSL.md §10).
struct DeadLetterInfo {
  std::string stage;
  error_code code;      // why: module and code (base/error_code.h), e.g. postgres.null_key
  std::string message;  // secrets already redacted
  int attempts = 1;
  int64_t at = 0;  // micros, UTC
  int input = 0;   // the stage input the record came from (replay sends it back there)
  // The kind word shown to users, from the code: "require", "eval", "write", "decode",
  // "truncate", "retries_exhausted", ...
  std::string kind() const { return code.kind(); }
};

struct Event {
  Op op = Op::Create;
  Object row;     // the after image; for deletes the before image
  Object before;  // valid when has_before
  bool has_before = false;
  SnapshotMark snapshot_mark = SnapshotMark::None;
  bool txn_last = false;    // the last change of its source transaction (mysql: at its commit)
  uint32_t origin_row = 0;  // the row's index within its origin's binlog event
  Value key;                // Null = not set (sinks fall back to primary key columns)
  int64_t ts = 0;           // event (commit) time, micros UTC
  Value position;           // source position of this event
  std::shared_ptr<const SourceMeta> source;
  std::shared_ptr<const LogOrigin> origin;  // null: the source keeps no log (generate, file)
  std::shared_ptr<const DeadLetterInfo> dead_letter;
};

inline const char* op_code(Op op) {
  switch (op) {
    case Op::Create:
      return "c";
    case Op::Update:
      return "u";
    case Op::Delete:
      return "d";
    case Op::Read:
      return "r";
    case Op::Truncate:
      return "t";
    case Op::Schema:
      return "s";
  }
  return "?";
}

struct Batch {
  enum class Kind : uint8_t { Data, Barrier, End };
  Kind kind = Kind::Data;
  uint64_t seq = 0;
  uint64_t barrier = 0;  // checkpoint id for Barrier batches
  // Barrier batches: the sources upstream have read every change committed up to this time
  // (micros UTC; the commit time of their last change, or the time of the barrier when they
  // had caught up). 0: unknown. Windowed aggregates with `watermark_from = source` follow it.
  int64_t progress_us = 0;
  std::vector<Event> events;
};

using BatchPtr = std::shared_ptr<Batch>;

}  // namespace sluice
