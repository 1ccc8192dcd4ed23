// The error codes of module "avro" (base/error_code.h). What the Avro form of Kafka messages
// fails with: schemas without an Avro form, values that do not fit, the schema registry.
#pragma once
#include "base/error_code.h"

// One X(name, dead-letter kind, message) per code, in the order of errc.
#define SLUICE_AVRO_ERRORS(X)                                               \
  X(schema, "write", "the message's Kafka Connect schema has no Avro form") \
  X(value, "write", "a value does not fit its Avro type")                   \
  X(registry, "write", "the schema registry refused the schema or could not be reached")

SLUICE_ERRC_ENUM(sluice::operators::avro, SLUICE_AVRO_ERRORS)
