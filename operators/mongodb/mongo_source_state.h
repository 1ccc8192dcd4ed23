// The MongoDB source's checkpoint state, a JSON text: the point the change stream continues
// from (a resume token as canonical extended JSON, or an operationTime) and, during the
// snapshot, the collections read, the one being read and the last _id delivered from it.
//   {"version":1,"phase":"snapshot","resume":{"token":"{ \"_data\" : \"82...\" }"},
//    "done":[{"db":"bank","coll":"accounts"}],"current":{"db":"bank","coll":"customers"},
//    "after":"{ \"_id\" : { \"$oid\" : \"...\" } }","read":1200}
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "operators/mongodb/change_stream_reader.h"
#include "operators/mongodb/collection_reader.h"

namespace sluice::operators::mongodb {

struct MongoSourceState {
  enum class Phase : uint8_t { Snapshot, Stream };
  Phase phase = Phase::Snapshot;
  StreamStart resume;                // where the stream starts (snapshot) or continues
  std::vector<CollectionName> done;  // snapshot: collections read completely
  CollectionName current;            // snapshot: the collection being read (empty: none)
  BsonDoc after;                     // snapshot: {"_id": the last _id delivered from current}
  int64_t read = 0;                  // snapshot: documents delivered so far

  std::string encode() const;
  static result<MongoSourceState> decode(const std::string& text);
};

}  // namespace sluice::operators::mongodb
