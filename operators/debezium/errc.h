// The error codes of module "debezium" (base/error_code.h; names, kinds and messages in
// errc.cpp). What the Debezium envelope codec fails with: decoding change events, encoding them.
#pragma once
#include "base/error_code.h"

namespace sluice::operators::debezium {

enum class errc : int {
  decode,            // the message is not a Debezium change event
  schema,            // the envelope's schema does not describe its payload
  unsupported_type,  // a field has a type the codec does not support
  encode,            // the record cannot be encoded as a Debezium envelope
};

// The error_code of e: module "debezium", e's name, kind and message (errc.cpp).
error_code make_error_code(errc e);

}  // namespace sluice::operators::debezium
