// Debezium's schema-change message (the topic named after the server, Debezium's topic.prefix;
// docs/kafka.md "Schema changes") for a schema-change event (Op::Schema), as the Debezium 2.7
// MySQL connector writes it with the JSON converter: the key
// io.debezium.connector.mysql.SchemaChangeKey {databaseName}, the value
// io.debezium.connector.mysql.SchemaChangeValue {source, ts_ms, databaseName, schemaName, ddl,
// tableChanges}, with schemas ({"schema", "payload"}) or the payloads alone.
#pragma once
#include <cstdint>
#include <string>

#include "base/event.h"

namespace sluice::operators::debezium {

void encode_schema_change_key(const Event& e, bool schemas, std::string& out);
// `now_ms`: the payload's ts_ms (Debezium: when the connector processed the change).
void encode_schema_change_value(const Event& e, const std::string& server, bool schemas,
                                int64_t now_ms, std::string& out);

}  // namespace sluice::operators::debezium
