// The Avro schema of a Kafka Connect schema, as Confluent's AvroConverter (AvroData, with its
// default connect.meta.data = true) makes it from what Kafka Connect's JSON converter writes in
// a message's "schema": records for structs (named by the Connect name, split at its last dot
// into namespace and name), "int" with "connect.type" for int8/int16, "long", "float",
// "double", "boolean", "string", "bytes", arrays and maps; optional fields as unions with
// "null" (null first and default null; the type first when the field has a default); the
// Connect name, version, parameters and default as "connect.name", "connect.version",
// "connect.parameters" and "connect.default"; Connect's Decimal, Date, Time and Timestamp with
// their Avro logical types.
// Names that Avro does not allow (a topic prefix "my-server", a column "unit price") have each
// character Avro does not allow replaced by "_" and a leading digit prefixed with "_", as
// Debezium's schema.name.adjustment.mode and field.name.adjustment.mode = avro do.
#pragma once
#include <string>

#include "base/result.h"
#include "base/value.h"

namespace sluice::operators::avro {

// The Avro schema text (compact JSON) of `connect`, a parsed Connect schema.
result<std::string> avro_schema_of(const Value& connect);

// `name` with the characters Avro names do not allow replaced (see above).
std::string avro_name(const std::string& name);

}  // namespace sluice::operators::avro
