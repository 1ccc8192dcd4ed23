// The error codes of module "mongodb" (base/error_code.h; names, kinds and messages in
// errc.cpp). What the MongoDB sink fails with: connecting, documents the driver or the server
// refuses, keys and update images it needs.
#pragma once
#include "base/error_code.h"

namespace sluice::operators::mongodb {

enum class errc : int {
  connect,          // cannot connect to the MongoDB server
  refused,          // the server refused the document (code in the message)
  driver_refused,   // libmongoc refused to append the document
  encode,           // a value cannot be written as BSON (e.g. decimal beyond Decimal128)
  no_key,           // the record has no key and no _id
  no_before_image,  // an update without a before image cannot be applied
  bad_collection,   // the target collection name is not usable
};

// The error_code of e: module "mongodb", e's name, kind and message (errc.cpp).
error_code make_error_code(errc e);

}  // namespace sluice::operators::mongodb
