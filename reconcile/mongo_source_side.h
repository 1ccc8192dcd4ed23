// `source mongodb` as the source side of sluice reconcile: each collection of its scope read
// whole in _id order through a CollectionReader (libmongoc, or a test's), every document turned
// into the row the source's snapshot emits (ChangeEventDecoder::read) and digested by the
// target as it would hold it; the collection is one chunk (the target's rows are all read
// too). A repair re-reads the missing and different documents by _id (CollectionReader::
// read_ids) and deletes the extra keys (and documents gone since the compare).
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "operators/mongodb/change_event_decoder.h"
#include "operators/mongodb/collection_reader.h"
#include "operators/mongodb/mongodb_source_options.h"
#include "reconcile/reconcile_source.h"

namespace sluice::reconcile {

struct ChunkSide;

// Makes the reader of a `source mongodb` (tests inject a fixture; the CLI: libmongoc).
using MongoReaderFactory =
    std::function<result<std::unique_ptr<operators::mongodb::CollectionReader>>(
        const operators::mongodb::MongoSourceOptions&)>;

class MongoSourceSide : public ReconcileSource {
 public:
  MongoSourceSide(operators::mongodb::MongoSourceOptions o,
                  std::unique_ptr<operators::mongodb::CollectionReader> reader);

  // The libmongoc reader of the source's URI.
  static result<std::unique_ptr<operators::mongodb::CollectionReader>> mongoc_reader(
      const operators::mongodb::MongoSourceOptions& o);

  std::string connector() const override { return "mongodb"; }
  result<std::vector<SourceTable>> tables() override;
  result<TableDiff> compare(const TablePair& pr, ReconcileTarget& target) override;
  result<std::vector<Event>> repair(const TablePair& pr, const TableDiff& diff) override;

 private:
  // Reads the collection into `src`, its _ids into ids_.
  result<void> read_collection(const TablePair& pr, ReconcileTarget& target, TableDiff& diff,
                               ChunkSide& src);
  // A delete of the document whose _id is `id`.
  Event delete_of(const TablePair& pr, Value id);

  operators::mongodb::MongoSourceOptions o_;
  std::unique_ptr<operators::mongodb::CollectionReader> reader_;
  operators::mongodb::ChangeEventDecoder decoder_;
  // The last compared collection's documents: reported key text -> {"_id": v}.
  std::map<std::string, operators::mongodb::BsonDoc> ids_;
};

}  // namespace sluice::reconcile
