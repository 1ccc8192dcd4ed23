// The error codes of module "debezium" (base/error_code.h). What the Debezium envelope codec fails
// with: decoding change events, encoding them.
#pragma once
#include "base/error_code.h"

// One X(name, dead-letter kind, message) per code, in the order of errc.
#define SLUICE_DEBEZIUM_ERRORS(X)                                                \
  X(decode, "decode", "the message is not a Debezium change event")              \
  X(schema, "decode", "the envelope's schema does not describe its payload")     \
  X(unsupported_type, "decode", "a field has a type the codec does not support") \
  X(encode, "write", "the record cannot be encoded as a Debezium envelope")

SLUICE_ERRC_ENUM(sluice::operators::debezium, SLUICE_DEBEZIUM_ERRORS)
