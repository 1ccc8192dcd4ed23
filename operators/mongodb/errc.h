// The error codes of module "mongodb" (base/error_code.h). What the MongoDB sink fails with:
// connecting, documents the driver or the server refuses, keys and update images it needs; and
// what the MongoDB source fails with: reaching the deployment, change-stream documents it cannot
// decode, invalidated streams, resume tokens gone from the oplog, privileges, its state.
#pragma once
#include "base/error_code.h"

// One X(name, dead-letter kind, message) per code, in the order of errc.
#define SLUICE_MONGODB_ERRORS(X)                                                                \
  X(connect, "write", "cannot connect to the MongoDB server")                                   \
  X(refused, "write", "the server refused the document (code in the message)")                  \
  X(driver_refused, "write", "libmongoc refused to append the document")                        \
  X(encode, "write", "a value cannot be written as BSON (e.g. decimal beyond Decimal128)")      \
  X(no_key, "write", "the record has no key and no _id")                                        \
  X(no_before_image, "write", "an update without a before image cannot be applied")             \
  X(bad_collection, "write", "the target collection name is not usable")                        \
  X(unreachable, "source", "the source cannot reach the MongoDB deployment")                    \
  X(decode, "decode", "a change-stream or collection document cannot become an event")          \
  X(invalidated, "source", "the change stream was invalidated (drop, rename, dropDatabase)")    \
  X(history_lost, "source", "the checkpointed resume token is no longer in the oplog")          \
  X(not_replica_set, "source", "change streams need a replica set or a sharded cluster")        \
  X(denied, "source", "the server refused the credentials or a privilege (find, changeStream)") \
  X(read_failed, "source", "reading the change stream or a collection failed")                  \
  X(bad_state, "source", "the checkpointed source state is malformed")

SLUICE_ERRC_ENUM(sluice::operators::mongodb, SLUICE_MONGODB_ERRORS)
