#include "operators/mongodb/source_failure.h"

#include <mongoc/mongoc.h>

#include "base/secrets.h"
#include "operators/mongodb/errc.h"
#include "operators/mongodb/mongo_failure.h"

namespace sluice::operators::mongodb {
namespace {

bool says(const std::string& text, const char* part) {
  return text.find(part) != std::string::npos;
}

// The codes whose answer is not MongoFailure's.
error special_source_failure(const MongoFailure& f, const bson_error_t& err,
                             const std::string& where) {
  const std::string text = f.message;
  const int32_t code = f.code;
  if (code == 286 || code == 280 || says(text, "ChangeStreamHistoryLost") ||
      says(text, "no longer be in the oplog")) {
    return error::permanent(
        errc::history_lost,
        where + text +
            " — the oplog no longer holds the checkpointed resume point (the source was "
            "stopped, or its snapshot ran, longer than the oplog window): make the oplog larger "
            "(replSetResizeOplog), then remove the pipeline's checkpoint (state directory) to "
            "start again with a new snapshot");
  }
  if (code == 40573 || says(text, "only supported on replica sets")) {
    return error::permanent(errc::not_replica_set,
                            where + text +
                                " — change streams need a replica set or a sharded cluster (a "
                                "single server: start mongod with --replSet rs0 and run "
                                "rs.initiate())");
  }
  if (says(text, "fullDocumentBeforeChange") || says(text, "whenAvailable")) {
    return error::permanent(errc::read_failed,
                            where + text +
                                " — before images and post-images need MongoDB 6.0 or later: "
                                "set before_images = false and full_document = update_lookup");
  }
  if (code == 13 || code == 18 || code == 11 ||
      (err.domain == MONGOC_ERROR_CLIENT && err.code == MONGOC_ERROR_CLIENT_AUTHENTICATE)) {
    return error::fatal(errc::denied,
                        where + text +
                            " — the user needs the find and changeStream actions on the "
                            "collections read (a database: on the database; the deployment: "
                            "on every database), and listCollections/listDatabases to list "
                            "them");
  }
  return error::fatal(errc::read_failed, where + text);
}

}  // namespace

error source_failure(const bson_error_t& err, const bson_t* reply, const std::string& where) {
  MongoFailure f = MongoFailure::classify(err, reply);
  if (f.message.empty()) f.message = err.message;
  const bool special_code = f.code == 286 || f.code == 280 || f.code == 40573 || f.code == 13 ||
                            f.code == 18 || f.code == 11;
  error e;
  if (f.kind == MongoFailure::Kind::Transient && !special_code) {
    e = error::transient(errc::unreachable, where + f.message);
  } else if (f.code == 43 || f.code == 237) {  // CursorNotFound, CursorKilled: reopen
    e = error::transient(errc::read_failed, where + f.message);
  } else {
    e = special_source_failure(f, err, where);
  }
  e.message = secrets::redact(e.message);
  return e;
}

}  // namespace sluice::operators::mongodb
