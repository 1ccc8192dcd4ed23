// The identity of an event as the postgres sink stores it: op, position and key as text in
// sluice_checkpoints.event_id (the replay filter, replay_gate.h), and as a 64-bit hash of that
// text in sluice_written (append mode, written_ids.h). A snapshot read's position is replaced
// by its table and a hash of the row it read: a read again after a restart is taken at another
// binlog position, and is the same read when it reads the same row.
#pragma once
#include <cstdint>
#include <string>

#include "base/event.h"

namespace sluice::operators::postgres {

class EventIdentity {
 public:
  // "op|position|key": the key is the record key, else the source primary key's values
  // (snapshot reads: "r|snapshot:DB.TABLE:ROWHASH|key").
  static std::string id(const Event& e);
  static void append(const Event& e, std::string& out);
  // The hash of the identity; an event without a key (a table without a primary key) is
  // identified by its row as well. `buf` is scratch space (one per sink: no allocation per
  // event).
  static uint64_t hash(const Event& e, std::string& buf);
};

}  // namespace sluice::operators::postgres
