// What a libmongoc error means to the MongoDB source (docs/mongodb.md "Source: errors"):
//   transient  network, server selection, not primary, shutting down, a lost cursor: the source
//              reopens by itself with backoff (health() says so) until reconnect_timeout;
//   permanent  the resume token left the oplog (ChangeStreamHistoryLost 286), no replica set
//              (40573), an option the server does not know (before_images on MongoDB < 6.0):
//              retrying cannot help, the message says what to do;
//   fatal      authentication and privileges (18, 13) and anything unexpected.
#pragma once
#include <bson/bson.h>

#include <string>

#include "base/result.h"

namespace sluice::operators::mongodb {

// `where` starts the message ("source mongodb S: change stream of bank.customers: "); the
// message is redacted (secrets::redact). `reply` may be null.
error source_failure(const bson_error_t& err, const bson_t* reply, const std::string& where);

}  // namespace sluice::operators::mongodb
