// One change-stream document -> what it means for the source (pure: no server, tested on
// recorded documents). docs/mongodb.md "Source: events":
//   insert -> c (row: fullDocument), replace -> u (row: fullDocument), update -> u (row:
//   fullDocument; without one: see below), delete -> d (row: fullDocumentBeforeChange when the
//   collection records pre-images, else documentKey); fullDocumentBeforeChange -> the before
//   image of u and d. Key: documentKey._id; @table the collection, db the database.
//   An update without its document: with full_document = update_lookup the document was
//   deleted before the lookup and its delete follows in the stream (Skip, "superseded");
//   otherwise a partial row: documentKey's fields, updatedFields as the server names them
//   (dotted paths kept) and each removed field as null (ChangeEvent::partial).
//   drop -> Truncate (op t for the collection), rename -> Rename, dropDatabase -> DropDatabase,
//   invalidate -> Invalidate; create/createIndexes/dropIndexes/modify/shardCollection/
//   reshardCollection/refineCollectionShardKey -> Skip. Anything else, or a document missing
//   what its operation needs, is an error (errc::decode): the source dead-letters it.
#pragma once
#include <bson/bson.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "base/event.h"
#include "base/result.h"
#include "operators/mongodb/mongodb_source_options.h"

namespace sluice::operators::mongodb {

struct ChangeEvent {
  enum class Kind : uint8_t { Row, Truncate, Rename, DropDatabase, Invalidate, Skip };
  Kind kind = Kind::Skip;
  std::string operation;             // operationType as written
  std::string db, collection;        // ns (no collection for dropDatabase and invalidate)
  std::string to_db, to_collection;  // rename: the new name
  Event event;                       // Row and Truncate
  bool partial = false;              // Row: an update that carries only the changed fields
  std::string note;                  // Skip: why
};

class ChangeEventDecoder {
 public:
  ChangeEventDecoder(std::string stage, FullDocument full_document)
      : stage_(std::move(stage)), full_document_(full_document) {}

  result<ChangeEvent> decode(const bson_t* change);
  // A document read by the snapshot: op r, key its _id.
  result<Event> read(const std::string& db, const std::string& coll, const bson_t* doc,
                     const Value& position, int64_t ts);
  // The undecodable change as a dead letter (row {document: its canonical extended JSON, bson:
  // its bytes}, the change's position and namespace when they can be read), code and message
  // from `why`.
  Event dead_letter(const bson_t* change, const error& why);
  // A snapshot document that cannot be read, as a dead letter (the same row form).
  Event dead_read(const std::string& db, const std::string& coll, const bson_t* doc,
                  const Value& position, const error& why);
  // Shared by every event of the collection.
  std::shared_ptr<const SourceMeta> meta(const std::string& db, const std::string& coll);

  // {"token": the resume token, "cluster_time": {"t", "i"}} (t, i omitted when 0).
  static Value change_position(const bson_t* token, uint32_t t, uint32_t i);
  // The token's _data string when it is {_data: "..."}, else its canonical extended JSON.
  static std::string token_text(const bson_t* token);

 private:
  std::string stage_;
  FullDocument full_document_;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<const SourceMeta>> metas_;
};

}  // namespace sluice::operators::mongodb
