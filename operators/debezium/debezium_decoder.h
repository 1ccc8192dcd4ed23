// Decodes Debezium change messages (Kafka Connect JSON converter) into Sluice events.
//
// Accepted value forms:
//   {"schema": {...envelope schema...}, "payload": {"before", "after", "source", "op", "ts_ms"}}
//   {"schema": null, "payload": {...}} and the bare payload (schemas.enable=false): values are
//   taken as the JSON converter wrote them (no logical types: decimals stay base64 strings,
//   dates stay numbers) — use the schema form for exact types.
// Keys: {"schema": {...}, "payload": {"id": 1}} or {"id": 1}. The key's fields become
// SourceMeta::primary_key and Event::key (the value for one field, a List for several).
// A null value (tombstone) and ops other than c/u/r/d (truncate "t", message "m") are skipped.
// Event: op, row = after (before for deletes), before (updates and deletes), ts = source
// ts_ms (commit time; the envelope ts_ms when absent), SourceMeta {connector, name = stage,
// db, table (schema.table when the source has a `schema` field, e.g. PostgreSQL), primary
// key, column names and types derived from the schema}. The caller sets Event::position.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/event.h"
#include "base/result.h"
#include "operators/debezium/schema_cache.h"

namespace sluice::operators::debezium {

class DebeziumDecoder {
 public:
  explicit DebeziumDecoder(std::string stage_name) : stage_(std::move(stage_name)) {}
  // true: `out` holds the event; false: the message carries no event (tombstone, t, m).
  // A permanent error when the message does not parse.
  result<bool> decode(const char* key, size_t key_len, const char* value, size_t value_len,
                      Event& out);
  result<bool> decode(std::string_view key, std::string_view value, bool has_value, Event& out) {
    return decode(key.data(), key.size(), has_value ? value.data() : nullptr, value.size(), out);
  }

 private:
  std::shared_ptr<const LogOrigin> last_origin_;  // shared by the rows of one binlog event
  struct MetaEntry {
    std::shared_ptr<const FieldSchema> env;  // keeps `row` alive (no address reuse)
    const FieldSchema* row = nullptr;
    std::vector<std::string> key_fields;
    std::string connector, db, table;
    std::shared_ptr<const SourceMeta> meta;
  };
  result<void> decode_key(std::string_view key, Value& out, std::vector<std::string>& fields);
  std::shared_ptr<const SourceMeta> meta_for(const std::shared_ptr<const FieldSchema>& env,
                                             const FieldSchema* row,
                                             std::vector<std::string>& key_fields,
                                             std::string& connector, std::string& db,
                                             std::string& table, bool qualified);

  std::string stage_;
  SchemaCache values_;
  SchemaCache keys_;
  std::vector<MetaEntry> metas_;
  std::vector<std::string> key_fields_;
};

}  // namespace sluice::operators::debezium
