// Encodes Sluice events as Debezium change messages, as Debezium 2.7's MySQL connector writes
// them through Kafka Connect's JSON converter (with schemas, or the payload alone).
//
// Value: {"schema": Envelope (version 2), "payload": {"before", "after", "source",
// "transaction": null, "op", "ts_ms", "ts_us", "ts_ns"}}. `source` is Debezium's MySQL block for
// events of the mysql source (source_block.h). Row field types follow Debezium's MySQL type
// mapping from SourceMeta::column_types (column_mapping.h), with NOT NULL columns not optional;
// without a column type, from the value. Options (encoder_options.h) choose Debezium's decimal,
// time precision and BIGINT UNSIGNED modes.
// Key: {"schema": {struct SERVER.DB.TABLE.Key}, "payload": {pk columns}}; the key columns are
// SourceMeta::primary_key (values from Event::key when set, else from the row).
// A delete is followed by a tombstone (same key, null value) unless switched off: the sink
// produces it.
#pragma once
#include <string>

#include "base/event.h"
#include "base/result.h"
#include "operators/debezium/encoder_options.h"
#include "operators/debezium/transaction_messages.h"

namespace sluice::operators::debezium {

class DebeziumEncoder {
 public:
  // server: the logical server name used in schema names (Debezium's topic.prefix).
  explicit DebeziumEncoder(std::string server, EncoderOptions opts = {})
      : server_(std::move(server)), opts_(opts) {}
  // Appends the key message; false (nothing appended) when the event has no key.
  bool encode_key(const Event& e, std::string& out) const;
  // Appends the value message. Permanent error when a value does not fit its column type.
  // `tx`: the change's transaction block (transaction metadata); null writes null.
  result<void> encode_value(const Event& e, std::string& out, const TxBlock* tx = nullptr) const;
  // SERVER.DB.TABLE (empty parts left out).
  std::string default_topic(const Event& e) const;
  const std::string& server() const { return server_; }

 private:
  std::string server_;
  EncoderOptions opts_;
};

// Appends the key columns (names, values) of an event: primary key of its SourceMeta with
// values from Event::key or the row; false when there is none.
bool key_columns(const Event& e, Object& out);

}  // namespace sluice::operators::debezium
