// The change stream over libmongoc. watch() opens it on the caller's thread (the fresh stream's
// start point is known when it returns: the post-batch resume token of the opening aggregate,
// else the operationTime of a ping sent just before), then a thread of its own reads it
// (mongoc_change_stream_next waits up to 250 ms for changes on the server) into a bounded queue
// that next() takes from without blocking. Each queued change carries the resume token to
// continue after it; while nothing matches, the post-batch token moves on as items of their
// own, so a filtered stream's position never falls behind the oplog. An error ends the thread
// and reaches next() after the changes read before it. The thread owns its client and stream
// and frees them when it ends; close() waits 2 s for it and else leaves it to finish alone.
#pragma once
#include <memory>
#include <string>
#include <thread>

#include "operators/mongodb/change_stream_reader.h"
#include "operators/mongodb/mongoc_source_client.h"
#include "operators/mongodb/mongodb_source_options.h"

namespace sluice::operators::mongodb {

class MongocChangeStream : public ChangeStreamReader {
 public:
  struct Settings {
    StreamScope scope;
    FullDocument full_document = FullDocument::UpdateLookup;
    bool before_images = true;
    int64_t batch_size = 1000;
    std::string where;  // "source mongodb S: " (messages)
  };
  MongocChangeStream(std::shared_ptr<const MongocSourceClient> client, Settings s);
  ~MongocChangeStream() override;
  MongocChangeStream(const MongocChangeStream&) = delete;
  MongocChangeStream& operator=(const MongocChangeStream&) = delete;

  result<void> watch(const StreamStart& start) override;
  result<bool> next(BsonDoc& doc) override;
  StreamStart position() const override { return position_; }
  void close() override;

  // The aggregation pipeline ({"pipeline": [...]}: several collections filter a database
  // stream) and the options of a watch at `start` (fullDocument, fullDocumentBeforeChange,
  // resumeAfter / startAtOperationTime, batchSize, maxAwaitTimeMS).
  static BsonDoc pipeline(const StreamScope& scope);
  static BsonDoc options(const Settings& s, const StreamStart& start);

  struct Shared;  // the queue between the reading thread and next()

 private:
  std::shared_ptr<const MongocSourceClient> client_;
  Settings s_;
  std::shared_ptr<Shared> shared_;
  std::thread thread_;
  StreamStart position_;
};

}  // namespace sluice::operators::mongodb
