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
// messages written before it are acknowledged by the brokers. A copy of each event is kept
// until its delivery report: a message the brokers refuse for good (too large, invalid record,
// unknown topic, policy violation: per-message errors) goes to the dead-letter sink with the
// broker's reason (take_dead() hands those of a checkpoint's flush to the engine before the
// barrier). Any other delivery failure (brokers unreachable past message.timeout.ms) makes
// every later checkpoint fail with a transient error (sticky): the engine retries, then
// restarts the pipeline from the last complete checkpoint, which replays those records in
// order (at least once; nothing lost).
//
// Write contract (engine/core/operator.h): a transient error from write() (the producer queue
// stayed full for flush_timeout) leaves the call resumable: the retry of the same batch starts
// at the first event not yet produced, and the dead letters found before the error are handed
// out with the call that succeeds.
//
// Exactly once (`exactly_once = true`, sequence_gate.h): each message carries a sluice.seq
// header, goes to the partition its key hashes to, and its sequence number is part of the
// checkpoint state ("eos;<epoch>;<seq>"); after a restart the replayed messages a partition
// already holds are not produced again.
//
// Dead letters (events with Event::dead_letter, i.e. this sink is a `dead_letter` target):
// value = the dead-letter JSON form (event_codec), headers in Kafka Connect's DLQ style:
// __connect.errors.topic / .partition / .offset (when the record came from Kafka),
// __connect.errors.stage, __connect.errors.exception.class.name ("sluice.<kind>"),
// __connect.errors.exception.message, __connect.errors.connector.name (the failing stage), plus
// sluice.errors.kind / .code / .attempts / .at / .position.
#pragma once
#include <librdkafka/rdkafka.h>

#include <atomic>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "dsl/eval/expr.h"
#include "engine/core/operator.h"
#include "operators/avro/avro_converter.h"
#include "operators/debezium/debezium_encoder.h"
#include "operators/kafka/errc.h"
#include "operators/kafka/sequence_gate.h"
#include "operators/kafka/transaction_topic.h"

namespace sluice::operators::kafka {

class KafkaSink : public Sink {
 public:
  struct Options {
    std::string stage;
    std::string brokers;
    bool debezium = true;
    debezium::EncoderOptions encoding;  // format debezium
    bool tombstones = true;             // format debezium: a tombstone after each delete
    bool transaction_metadata = false;  // format debezium: SERVER.transaction BEGIN/END
    bool schema_changes = true;         // format debezium: schema-change messages to SERVER
    bool avro = false;                  // format avro: debezium, in Confluent's Avro form
    avro::SchemaRegistry::Options registry;
    std::string topic_constant;
    eval::ExprPtr topic;
    std::vector<std::string> key;
    std::string server;
    int64_t flush_timeout_ms = 30000;
    std::vector<std::pair<std::string, std::string>> properties;
    bool exactly_once = false;
    int64_t heartbeat_interval_ms = 0;  // 0: none
    std::string heartbeat_prefix = "__debezium-heartbeat";
    std::string writer;  // sluice.PIPELINE.STAGE: names this sink in sluice.seq headers
    using Partitioner = int32_t (*)(const rd_kafka_topic_t*, const void*, size_t, int32_t, void*,
                                    void*);
    Partitioner partitioner = nullptr;  // exactly_once: the `partitioner` property's hash
  };
  explicit KafkaSink(Options o) : o_(std::move(o)) {}
  ~KafkaSink() override;
  static result<std::unique_ptr<Sink>> make(const StageConfig& cfg);

  result<void> open(const std::string& state) override;
  result<void> write(std::vector<Event>& events, std::vector<Event>& dead) override;
  result<std::string> checkpoint(uint64_t id) override;
  void take_dead(std::vector<Event>& dead) override;
  void close() override;

  uint64_t delivered() const { return delivered_.load(); }
  int64_t replay_skipped() const { return gate_.skipped(); }
  int64_t replay_differing() const { return gate_.differing(); }
  uint64_t failed() const { return failed_.load(); }

 private:
  static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque);
  result<void> produce(const std::string& topic, const std::string* key, const std::string* value,
                       rd_kafka_headers_t* headers, uint64_t id = 0,
                       int32_t partition = RD_KAFKA_PARTITION_UA);
  // One event: produced (a copy kept in flight), dead-lettered into write_dead_, or an error
  // that is not permanent.
  result<void> write_one(Event& e, Object& key_obj);
  // A schema-change event: Debezium's message to the topic SERVER (or nothing).
  result<void> write_schema_change(Event& e);
  // The record itself; `tx`: its transaction block (transaction_metadata).
  result<void> write_record(Event& e, Object& key_obj, const debezium::TxBlock* tx);
  // A dead letter into this dead-letter sink (Kafka Connect's error headers).
  result<void> write_dead_letter(const std::string& topic, const Event& e, Object& key_obj,
                                 bool has_key);
  // The change's key (when not has_key yet) and value into key_buf_ and value_buf_; false when
  // it cannot be encoded (a dead letter).
  // it cannot be encoded (a dead letter); an error only when the schema registry could not be
  // reached (format avro).
  result<bool> encode_change(const std::string& topic, const Event& e, Object& key_obj,
                             const debezium::TxBlock* tx, bool& has_key);
  // format avro: the JSON converter messages (key, value; null: none) in Avro wire form.
  result<void> to_avro(const std::string& topic, std::string* key, std::string* value);
  // exactly_once: the change and its tombstone through the sequence gate.
  result<void> produce_exactly_once(const std::string& topic, const Event& e, bool has_key,
                                    bool tombstone);
  // A copy of `e` as a dead letter of this write: err's code, else `fallback`.
  void dead_on_write(const Event& e, const error& err, errc fallback);
  result<void> produce_transaction_messages(const Event& e);
  void delivered(uint64_t id, rd_kafka_resp_err_t err);
  static bool refused_for_good(rd_kafka_resp_err_t err);
  result<std::string> topic_for(const Event& e);
  // kafka_topic_name(name), with a warning the first time a name had to change.
  std::string topic_name(std::string name);
  std::string server_of(const Event& e) const;
  void dead_letter_headers(const Event& e, rd_kafka_headers_t* h);
  // exactly_once
  struct TopicInfo {
    rd_kafka_topic_t* rkt = nullptr;
    int32_t partitions = 0;
  };
  result<TopicInfo*> topic_info(const std::string& topic);
  result<int32_t> partitions_of(rd_kafka_topic_t* rkt);
  result<bool> produce_once(const std::string& topic, const std::string* key,
                            const std::string* value, uint64_t identity, uint64_t id);
  uint64_t identity_of(const Event& e, bool has_key, bool tombstone);
  void open_exactly_once(const std::string& state, bool gap);
  // Heartbeats: due at a checkpoint `heartbeat_interval_ms` after the last one.
  result<void> heartbeat();
  void close_topics();

  Options o_;
  rd_kafka_t* rk_ = nullptr;
  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> failed_{0};
  std::string first_failure_;
  std::string key_buf_, value_buf_;
  // Events produced and not yet reported, ids base_id_, base_id_ + 1, ... (0: no event).
  std::deque<Event> inflight_;
  std::deque<bool> inflight_done_;
  uint64_t base_id_ = 1;
  std::vector<Event> refused_;     // delivery refused for good: dead letters
  std::vector<Event> write_dead_;  // dead letters of the write() in progress
  struct Resume {
    const Event* data = nullptr;
    size_t size = 0;
    size_t next = 0;
    bool tombstone = false;  // event `next` was produced; only its tombstone is left
  } resume_;
  bool tombstone_only_ = false;                // write_one: the retry of a tombstone
  std::unique_ptr<avro::AvroConverter> avro_;  // format avro
  TransactionTopic txn_;                       // transaction_metadata
  std::vector<TransactionTopic::Message> txn_msgs_;
  // exactly_once
  uint64_t epoch_ = 0;
  int64_t seq_ = 0;  // the sequence number of the last message produced (or held)
  SequenceGate gate_;
  bool warned_differing_ = false;
  std::string seq_buf_;  // a message's encoded position, then its sluice.seq header
  std::unique_ptr<TailReader> tails_;
  std::unordered_map<std::string, TopicInfo> topics_;
  int64_t last_heartbeat_ms_ = 0;
  std::string last_server_;  // the SERVER of the last change (when `server` is not set)
  std::unordered_set<std::string> renamed_topics_;  // names topic_name() changed (warned)
};

}  // namespace sluice::operators::kafka
