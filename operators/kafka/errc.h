// The error codes of module "kafka" (base/error_code.h). What the Kafka source and sink fail with:
// the client, decoding consumed messages, encoding and producing records, delivery reports,
// offsets.
#pragma once
#include "base/error_code.h"

// One X(name, dead-letter kind, message) per code, in the order of errc.
#define SLUICE_KAFKA_ERRORS(X)                                              \
  X(client, "write", "the Kafka client could not be created or configured") \
  X(decode, "decode", "a consumed message does not parse")                  \
  X(encode, "write", "the record cannot be encoded as a message")           \
  X(topic, "write", "the topic name is unusable")                           \
  X(produce, "write", "the producer refused the message")                   \
  X(delivery, "write", "the broker did not confirm the delivery")           \
  X(offsets, "source", "committing or reading consumer offsets failed")

SLUICE_ERRC_ENUM(sluice::operators::kafka, SLUICE_KAFKA_ERRORS)
