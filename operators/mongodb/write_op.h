// One operation of an unordered bulk write, as the planner builds it (no server involved).
// to_json() gives it in the shell's bulkWrite form, as canonical extended JSON:
//   { "replaceOne" : { "filter" : {...}, "replacement" : {...}, "upsert" : true } }
//   { "updateOne" : { "filter" : {...}, "update" : { "$set" : {...} }, "upsert" : true } }
//   { "deleteOne" : { "filter" : {...} } }
//   { "insertOne" : { "document" : {...} } }
//   { "deleteMany" : { "filter" : { } } }       (DeleteAll: a truncate of the source table)
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "operators/mongodb/bson_doc.h"

namespace sluice::operators::mongodb {

struct WriteOp {
  enum class Kind : uint8_t { Insert, Replace, Update, Delete, DeleteAll };
  Kind kind = Kind::Insert;
  BsonDoc filter;  // { "_id" : ... } (Replace, Update, Delete); {} for DeleteAll
  BsonDoc body;    // document (Insert), replacement (Replace), update (Update)
  bool upsert = false;
  size_t event = 0;  // index of the event (in the flushed list) this op writes

  std::string to_json() const;
};

}  // namespace sluice::operators::mongodb
