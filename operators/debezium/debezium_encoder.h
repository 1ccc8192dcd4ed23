// Encodes Sluice events as Debezium change messages (Kafka Connect JSON converter, with
// schema), so Debezium-based consumers read them as they read Debezium's own topics.
//
// Value: {"schema": Envelope, "payload": {"before", "after", "source", "op", "ts_ms",
// "transaction": null}}. Row field types come from SourceMeta::column_types when present
// (exact: decimal(15,2) -> Decimal scale 2 with connect.decimal.precision 15; enum/set with
// their labels; bit(n) -> Bits; json -> Json; datetime -> MicroTimestamp; timestamp ->
// ZonedTimestamp; bigint unsigned -> Decimal scale 0 marked BIGINT UNSIGNED), else from the
// values: bool boolean, int int64, uint Decimal(20,0) BIGINT UNSIGNED, float float64,
// decimal Decimal (its scale), string string, bytes bytes, date io.debezium.time.Date, time
// MicroTime, datetime MicroTimestamp, timestamp ZonedTimestamp, object/list Json.
// Key: {"schema": {struct SERVER.DB.TABLE.Key}, "payload": {pk columns}}; the key columns are
// SourceMeta::primary_key (values from Event::key when set, else from the row).
// A delete is followed by a tombstone (same key, null value): the sink produces it.
#pragma once
#include <string>

#include "base/event.h"
#include "base/result.h"

namespace sluice::operators::debezium {

class DebeziumEncoder {
 public:
  // server: the logical server name used in schema names (Debezium's topic.prefix).
  explicit DebeziumEncoder(std::string server) : server_(std::move(server)) {}
  // Appends the key message; false (nothing appended) when the event has no key.
  bool encode_key(const Event& e, std::string& out) const;
  // Appends the value message. Permanent error when a value does not fit its column type.
  result<void> encode_value(const Event& e, std::string& out) const;
  // SERVER.DB.TABLE (empty parts left out).
  std::string default_topic(const Event& e) const;
  const std::string& server() const { return server_; }

 private:
  std::string server_;
};

// Appends the key columns (names, values) of an event: primary key of its SourceMeta with
// values from Event::key or the row; false when there is none.
bool key_columns(const Event& e, Object& out);

}  // namespace sluice::operators::debezium
