// The mysql source's checkpoint state (what MySqlSource::checkpoint_state() records and open()
// reads back from the checkpoint file): key=value lines, one field a line. On its own so that it
// builds without a server connection (tests/fuzz/fuzz_checkpoint.cpp). decode() reads what a
// file on disk holds: anything malformed is an error, never an exception.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "operators/mysql/binlog_position.h"

namespace sluice::operators::mysql {

// What checkpoint_state() records (key=value lines).
struct SourceState {
  enum class Phase : uint8_t { Snapshot, Stream, Done } phase = Phase::Stream;
  BinlogPosition position;  // stream: last commit (+ skip_rows); snapshot: the view's position
  std::string table;        // snapshot: "db.table" being read
  std::vector<std::string> last_key;  // snapshot: key of the last row delivered in `table`
  std::vector<std::string> done_tables;
  // The table patterns ("db.table", '*' wildcards) captured by the run that wrote the state:
  // on open, tables matching the current `tables` but not these are new and get a snapshot
  // of their own (empty = a state from before this field: nothing is new).
  std::vector<std::string> filters;
  // Snapshot of added tables only (`only` lists them): the stream afterwards starts at
  // `stream_from` (the checkpointed stream position), not at `position` (the view's).
  std::vector<std::string> only;
  BinlogPosition stream_from;
  // Stream: events of these tables up to (and including) this position are already in their
  // snapshot and are dropped; an entry goes once the stream has passed it.
  std::vector<std::pair<std::string, BinlogPosition>> catchup;
  // Stream: the tables a lock-free snapshot (chunked_snapshot.h) still reads while the stream
  // runs, each with the key of its last row delivered (empty: none yet).
  struct Reading {
    std::string table;  // db.table
    std::vector<std::string> last_key;
    std::string filter;  // only rows matching this SQL condition ("" = all)
  };
  std::vector<Reading> reading;
  // Stream: the table model at `position` (SchemaModel::encode, one line; null: none recorded,
  // the stream reads information_schema when it starts).
  std::shared_ptr<const std::string> schema_model;
  // Stream: the XA transactions prepared before `position` whose outcome is still to come,
  // with their rows events (one line; null or "": none).
  std::shared_ptr<const std::string> xa_prepared;
  std::string encode() const;
  static result<SourceState> decode(const std::string& text);
};

}  // namespace sluice::operators::mysql
