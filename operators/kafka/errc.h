// The error codes of module "kafka" (base/error_code.h; names, kinds and messages in
// errc.cpp). What the Kafka source and sink fail with: the client, decoding consumed messages,
// encoding and producing records, delivery reports, offsets.
#pragma once
#include "base/error_code.h"

namespace sluice::operators::kafka {

enum class errc : int {
  client,    // the Kafka client could not be created or configured
  decode,    // a consumed message does not parse
  encode,    // the record cannot be encoded as a message
  topic,     // the topic name is unusable
  produce,   // the producer refused the message
  delivery,  // the broker did not confirm the delivery
  offsets,   // committing or reading consumer offsets failed
};

// The error_code of e: module "kafka", e's name, kind and message (errc.cpp).
error_code make_error_code(errc e);

}  // namespace sluice::operators::kafka
