#include "operators/mongodb/mongodb_source_spec.h"

#include "operators/common/dead_letter_options.h"

namespace sluice::operators::mongodb {
namespace {

const char* kSourceSummary =
    "Reads MongoDB change streams (libmongoc) of one collection, several, a database or the "
    "whole deployment: first an initial snapshot (op r) that leaves no gap (the stream's resume "
    "point is taken before the first read, and the stream starts there once the collections "
    "are read), then inserts as c, updates and replaces as u, deletes as d, with the "
    "document as the row and its _id as the key. Decimal128 becomes an exact decimal, ObjectId "
    "its 24-hex string, dates timestamps, binary bytes, documents objects, arrays lists. Resume "
    "tokens are in the checkpoint: a restart (also after kill -9) continues after the last "
    "change delivered; an interrupted snapshot continues after the last _id read. A dropped "
    "collection gives a truncate event (t); an invalidated stream stops the source with an "
    "error saying what to do. Needs a replica set or a sharded cluster.";

void add_source_connection(BoundSpec<MongoSourceOptions>& k) {
  using O = MongoSourceOptions;
  OptionSpec uri = option("uri", OptType::Secret, true, "",
                          "Connection string: mongodb://... or mongodb+srv://... (Atlas), TLS "
                          "and other options as URI parameters (tls=true, authSource=admin, "
                          "replicaSet=rs0). Use env() or secret(); its password never appears in "
                          "logs, errors or status.");
  OptionSpec db = option("database", OptType::String, "",
                         "The database to read. Empty: every database of the deployment (but "
                         "admin, config and local), one change stream on the whole deployment.");
  OptionSpec colls = option("collections", OptType::StringList, "",
                            "Collections of `database` to read. One: a change stream on that "
                            "collection. Several: a stream on the database filtered to them. "
                            "Empty: every collection of the database (views and system.* left "
                            "out).");
  k.add(uri, &O::uri).add(db, &O::database).add(colls, &O::collections);
}

void add_source_reading(BoundSpec<MongoSourceOptions>& k) {
  using O = MongoSourceOptions;
  OptionSpec snapshot =
      enum_option("snapshot", {"initial", "never"}, "initial",
                  "initial: read the collections first (op r), then stream from the point taken "
                  "before the first read. never: stream changes from now on only.");
  OptionSpec full = enum_option(
      "full_document", {"update_lookup", "when_available", "default"}, "update_lookup",
      "What an update event carries. update_lookup: the document as it is when the event is "
      "read (fullDocument: updateLookup). when_available: the post-image the server recorded "
      "(collections with changeStreamPreAndPostImages; MongoDB 6.0+). default: no document; "
      "the update is a partial row of the changed fields (docs/mongodb.md).");
  OptionSpec before = option("before_images", OptType::Bool, "true",
                             "Ask for the document before the change "
                             "(fullDocumentBeforeChange: whenAvailable): updates and deletes "
                             "of collections with changeStreamPreAndPostImages enabled carry "
                             "it as the before image. MongoDB 6.0+; false for older servers.");
  OptionSpec batch = option("batch_size", OptType::Int, "1000",
                            "Documents per server round trip (cursor batchSize) of the change "
                            "stream and of the snapshot reads.");
  batch.min = 1;
  batch.max = 100000;
  OptionSpec reconnect = option("reconnect_timeout", OptType::Duration, "10m",
                                "How long the deployment may stay unreachable (the source "
                                "retries with backoff, shown in status and /metrics) before the "
                                "source fails.");
  reconnect.min = 1000;
  k.add(snapshot, &O::snapshot).add(full, &O::full_document).add(before, &O::before_images);
  k.add(batch, &O::batch_size).add(reconnect, &O::reconnect_timeout_us);
}

BoundSpec<MongoSourceOptions> make_source_spec() {
  BoundSpec<MongoSourceOptions> k(dsl::Role::Source, "mongodb", kSourceSummary);
  add_source_connection(k);
  add_source_reading(k);
  add_dead_letter_options(
      k, "change documents that cannot be decoded",
      "A document that cannot be decoded: dead_letter (default when dead_letter is set) | skip "
      "| fail (default otherwise: the pipeline stops naming the change).");
  return k;
}

}  // namespace

const BoundSpec<MongoSourceOptions>& bound_source_spec() { return built_once<make_source_spec>(); }

}  // namespace sluice::operators::mongodb
