// Sink `kafka` (DSL.md §10): an idempotent producer (enable.idempotence: no duplicates or
// reordering from librdkafka's own retries; transient broker errors are retried inside
// librdkafka up to message.timeout.ms).
//
// Message: key = the record key (debezium: the Debezium key with schema; json: the key
// columns as a JSON object, or the key value), value = a Debezium envelope with schema
// (format debezium; a tombstone with the same key follows each delete) or the Sluice event
// form (format json). Topic: the `topic` expression per record, else SERVER.DB.TABLE.
//
// checkpoint(id) flushes and waits for every delivery report: it completes only when all
// messages written before it are acknowledged by the brokers. A message whose delivery
// failed for good makes every later checkpoint fail with a transient error (sticky): the
// engine retries, then restarts the pipeline from the last complete checkpoint, which
// replays those records in order (at least once; nothing lost).
//
// Dead letters (events with Event::dead_letter, i.e. this sink is a `dead_letter` target):
// value = the dead-letter JSON form (event_codec), headers in Kafka Connect's DLQ style:
// __connect.errors.topic / .partition / .offset (when the record came from Kafka),
// __connect.errors.stage, __connect.errors.exception.class.name ("sluice.<kind>"),
// __connect.errors.exception.message, __connect.errors.connector.name (the failing stage), plus
// sluice.errors.kind / .attempts / .at / .position.
#pragma once
#include <librdkafka/rdkafka.h>

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dsl/eval/expr.h"
#include "engine/core/operator.h"
#include "operators/debezium/debezium_encoder.h"

namespace sluice::operators::kafka {

class KafkaSink : public Sink {
 public:
  struct Options {
    std::string stage;
    std::string brokers;
    bool debezium = true;
    std::string topic_constant;
    eval::ExprPtr topic;
    std::vector<std::string> key;
    std::string server;
    int64_t flush_timeout_ms = 30000;
    std::vector<std::pair<std::string, std::string>> properties;
  };
  explicit KafkaSink(Options o) : o_(std::move(o)) {}
  ~KafkaSink() override;
  static result<std::unique_ptr<Sink>> make(const StageConfig& cfg);

  result<void> open(const std::string& state) override;
  result<void> write(std::vector<Event>& events, std::vector<Event>& dead) override;
  result<std::string> checkpoint(uint64_t id) override;
  void close() override;

  uint64_t delivered() const { return delivered_.load(); }
  uint64_t failed() const { return failed_.load(); }

 private:
  static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque);
  result<void> produce(const std::string& topic, const std::string* key, const std::string* value,
                       rd_kafka_headers_t* headers);
  result<std::string> topic_for(const Event& e);
  void dead_letter_headers(const Event& e, rd_kafka_headers_t* h);

  Options o_;
  rd_kafka_t* rk_ = nullptr;
  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> failed_{0};
  std::string first_failure_;
  std::string key_buf_, value_buf_;
};

}  // namespace sluice::operators::kafka
