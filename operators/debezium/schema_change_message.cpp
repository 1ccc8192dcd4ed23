#include "operators/debezium/schema_change_message.h"

#include "base/json.h"
#include "operators/debezium/source_block.h"

namespace sluice::operators::debezium {
namespace {

const char kSchemaChangeKeySchema[] =
    "{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,\"field\":"
    "\"databaseName\"}],\"optional\":false,\"name\":\"io.debezium.connector.mysql."
    "SchemaChangeKey\",\"version\":1}";

// io.debezium.connector.schema.Column, .Table and .Change (Debezium 2.4+: the table optional).
const char kTableChangeSchema[] =
    "{\"type\":\"struct\",\"fields\":["
    "{\"type\":\"string\",\"optional\":false,\"field\":\"type\"},"
    "{\"type\":\"string\",\"optional\":false,\"field\":\"id\"},"
    "{\"type\":\"struct\",\"fields\":["
    "{\"type\":\"string\",\"optional\":true,\"field\":\"defaultCharsetName\"},"
    "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"optional\":false},\"optional\":true,"
    "\"field\":\"primaryKeyColumnNames\"},"
    "{\"type\":\"array\",\"items\":{\"type\":\"struct\",\"fields\":["
    "{\"type\":\"string\",\"optional\":false,\"field\":\"name\"},"
    "{\"type\":\"int32\",\"optional\":false,\"field\":\"jdbcType\"},"
    "{\"type\":\"int32\",\"optional\":true,\"field\":\"nativeType\"},"
    "{\"type\":\"string\",\"optional\":false,\"field\":\"typeName\"},"
    "{\"type\":\"string\",\"optional\":true,\"field\":\"typeExpression\"},"
    "{\"type\":\"string\",\"optional\":true,\"field\":\"charsetName\"},"
    "{\"type\":\"int32\",\"optional\":true,\"field\":\"length\"},"
    "{\"type\":\"int32\",\"optional\":true,\"field\":\"scale\"},"
    "{\"type\":\"int32\",\"optional\":false,\"field\":\"position\"},"
    "{\"type\":\"boolean\",\"optional\":true,\"field\":\"optional\"},"
    "{\"type\":\"boolean\",\"optional\":true,\"field\":\"autoIncremented\"},"
    "{\"type\":\"boolean\",\"optional\":true,\"field\":\"generated\"},"
    "{\"type\":\"string\",\"optional\":true,\"field\":\"comment\"},"
    "{\"type\":\"string\",\"optional\":true,\"field\":\"defaultValueExpression\"},"
    "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"optional\":false},\"optional\":true,"
    "\"field\":\"enumValues\"}],"
    "\"optional\":false,\"name\":\"io.debezium.connector.schema.Column\",\"version\":1},"
    "\"optional\":false,\"field\":\"columns\"},"
    "{\"type\":\"string\",\"optional\":true,\"field\":\"comment\"}],"
    "\"optional\":true,\"name\":\"io.debezium.connector.schema.Table\",\"version\":1,"
    "\"field\":\"table\"}],"
    "\"optional\":false,\"name\":\"io.debezium.connector.schema.Change\",\"version\":1}";

std::string schema_change_value_schema(const Event& e) {
  return "{\"type\":\"struct\",\"fields\":[" + source_schema(e) +
         ",{\"type\":\"int64\",\"optional\":false,\"field\":\"ts_ms\"},"
         "{\"type\":\"string\",\"optional\":true,\"field\":\"databaseName\"},"
         "{\"type\":\"string\",\"optional\":true,\"field\":\"schemaName\"},"
         "{\"type\":\"string\",\"optional\":true,\"field\":\"ddl\"},"
         "{\"type\":\"array\",\"items\":" +
         std::string(kTableChangeSchema) +
         ",\"optional\":false,\"field\":\"tableChanges\"}],\"optional\":false,\"name\":"
         "\"io.debezium.connector.mysql.SchemaChangeValue\",\"version\":1}";
}

const Value& payload_field(const Event& e, const char* name) {
  static const Value kNull;
  const Value* v = e.row.find(intern(name));
  return v != nullptr ? *v : kNull;
}

}  // namespace

void encode_schema_change_key(const Event& e, bool schemas, std::string& out) {
  if (schemas) out += std::string("{\"schema\":") + kSchemaChangeKeySchema + ",\"payload\":";
  out += "{\"databaseName\":";
  json::encode(payload_field(e, "databaseName"), out);
  out += "}";
  if (schemas) out += "}";
}

void encode_schema_change_value(const Event& e, const std::string& server, bool schemas,
                                int64_t now_ms, std::string& out) {
  if (schemas) out += "{\"schema\":" + schema_change_value_schema(e) + ",\"payload\":";
  out += "{\"source\":";
  append_source(e, server, out);
  out += ",\"ts_ms\":" + std::to_string(now_ms) + ",\"databaseName\":";
  json::encode(payload_field(e, "databaseName"), out);
  out += ",\"schemaName\":null,\"ddl\":";
  json::encode(payload_field(e, "ddl"), out);
  out += ",\"tableChanges\":";
  const Value& changes = payload_field(e, "tableChanges");
  json::encode(changes.is_null() ? Value::list({}) : changes, out);
  out += "}";
  if (schemas) out += "}";
}

}  // namespace sluice::operators::debezium
