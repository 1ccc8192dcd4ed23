// The collections as the MongoDB source's snapshot sees them: which exist in its scope, how many
// documents each holds (an estimate), their documents in _id order from a given _id on, and
// the documents of given _ids (sluice reconcile --repair).
// MongocCollectionReader reads a server (libmongoc); the tests serve recorded documents.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "operators/mongodb/bson_doc.h"
#include "operators/mongodb/mongodb_source_options.h"

namespace sluice::operators::mongodb {

struct CollectionName {
  std::string db;
  std::string coll;
  std::string text() const { return db + "." + coll; }
  bool operator==(const CollectionName& o) const { return db == o.db && coll == o.coll; }
};

class CollectionReader {
 public:
  virtual ~CollectionReader() = default;
  // The collections of the scope: the named ones as given, else every collection of the
  // database (or of every database but admin, config, local), views and system.* left out.
  virtual result<std::vector<CollectionName>> collections(const StreamScope& scope) = 0;
  // The server's estimate of the documents in `c` (0 when unknown).
  virtual int64_t estimated_count(const CollectionName& c) = 0;
  // Starts reading `c` in _id order: from the start when `after` is empty, else after the
  // document whose _id is after's "_id" field.
  virtual result<void> scan(const CollectionName& c, const BsonDoc& after) = 0;
  // The next document of the scan: true and `doc` set; false at the end of the collection.
  virtual result<bool> next(BsonDoc& doc) = 0;
  virtual void close() = 0;
  // The documents of `c` whose _id is one of `ids` (each {"_id": v}), in no particular order;
  // an _id that no document has is left out (sluice reconcile --repair re-reads these). It
  // may end a scan in progress: call it between scans.
  virtual result<std::vector<BsonDoc>> read_ids(const CollectionName& c,
                                                const std::vector<BsonDoc>& ids) = 0;
};

}  // namespace sluice::operators::mongodb
