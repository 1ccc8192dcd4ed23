// BSON from a MongoDB server: the reply document of a failed bulk write, which
// operators/mongodb/mongo_failure.cpp MongoFailure::classify reads (errorLabels, writeErrors and
// writeConcernErrors with their index, code, errmsg and errInfo, printed as extended JSON) to
// decide between retry, dead letters, a split batch or a stop. It is the only BSON the sink
// decodes: everything else it sends (bson_encoder.cpp goes Value -> BSON). Input: a byte picking
// libmongoc's error domain, 4 bytes of error code, a NUL-terminated error message, then the reply
// document's bytes, taken as libbson takes a reply (bson_init_static: the length and the final
// NUL checked, the elements read by iterators as classify goes). An empty or invalid document is
// classified without a reply. A crash, sanitizer report or exception is a failure.
#include <bson/bson.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "operators/mongodb/mongo_failure.h"

using sluice::operators::mongodb::MongoFailure;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5) return 0;
  bson_error_t err;
  std::memset(&err, 0, sizeof(err));
  err.domain = data[0] % 32;  // MONGOC_ERROR_* domains are small numbers
  std::memcpy(&err.code, data + 1, 4);
  size_t at = 5;
  size_t n = 0;
  while (at + n < size && data[at + n] != 0 && n + 1 < sizeof(err.message)) ++n;
  std::memcpy(err.message, data + at, n);
  at += n + 1;
  bson_t reply;
  const bool have = at < size && bson_init_static(&reply, data + at, size - at);
  MongoFailure f = MongoFailure::classify(err, have ? &reply : nullptr);
  (void)f.describe();
  return 0;
}
