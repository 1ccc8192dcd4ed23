// The snapshot's reads over libmongoc, on the caller's thread: listCollections / listDatabases,
// estimatedDocumentCount, and find in _id order (sort and hint {_id: 1}; `min: {_id: last}`
// after a given _id, which is inclusive, so that document is skipped; readConcern majority, so
// nothing read can be rolled back; the read preference of the URI); the documents of given _ids
// (find with `_id: {$in: [...]}`, 500 _ids a query, readConcern majority).
#pragma once
#include <memory>
#include <string>

#include "operators/mongodb/collection_reader.h"
#include "operators/mongodb/mongoc_source_client.h"

namespace sluice::operators::mongodb {

class MongocCollectionReader : public CollectionReader {
 public:
  MongocCollectionReader(std::shared_ptr<const MongocSourceClient> client, int64_t batch_size,
                         std::string where);
  ~MongocCollectionReader() override;
  MongocCollectionReader(const MongocCollectionReader&) = delete;
  MongocCollectionReader& operator=(const MongocCollectionReader&) = delete;

  result<std::vector<CollectionName>> collections(const StreamScope& scope) override;
  int64_t estimated_count(const CollectionName& c) override;
  result<void> scan(const CollectionName& c, const BsonDoc& after) override;
  result<bool> next(BsonDoc& doc) override;
  void close() override;
  result<std::vector<BsonDoc>> read_ids(const CollectionName& c,
                                        const std::vector<BsonDoc>& ids) override;

  // {"_id": {"$in": [the _ids of ids[from, to)]}} (tests check it).
  static BsonDoc ids_filter(const std::vector<BsonDoc>& ids, size_t from, size_t to);

  // The options of the snapshot's find (tests check them).
  static BsonDoc find_options(int64_t batch_size, const BsonDoc& after);

 private:
  result<mongoc_client_t*> client();
  result<std::vector<CollectionName>> collections_of(const std::string& db);
  void close_cursor();
  // Appends the documents `filter` finds in `c` to `out`.
  result<void> find_into(const CollectionName& c, const BsonDoc& filter, std::vector<BsonDoc>& out);

  std::shared_ptr<const MongocSourceClient> factory_;
  int64_t batch_size_;
  std::string where_;
  MongocClientPtr client_;
  mongoc_collection_t* coll_ = nullptr;
  mongoc_cursor_t* cursor_ = nullptr;
  CollectionName reading_;
  BsonDoc skip_;  // {"_id": v}: skipped when it is the scan's first document
  bool check_skip_ = false;
};

}  // namespace sluice::operators::mongodb
