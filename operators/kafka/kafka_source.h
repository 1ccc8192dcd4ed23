// Source `kafka` (DSL.md §9): a consumer-group member reading `topics`.
//
// Offsets: auto commit and auto offset store are off. The source tracks the next offset of
// every partition it has read; checkpoint_state() returns them (PartitionOffsets text) and
// remembers them as the offsets of that checkpoint; checkpoint_committed() adds the oldest
// remembered set to the stage's completed offsets (checkpoints complete in the order they are
// taken) and commits those of the partitions this member owns at that moment to the group,
// where they moved (one commit per checkpoint). On open(state), partitions assigned to this member
// start at the checkpointed offsets (rebalance callback), so a restart resumes exactly after the
// last complete checkpoint even when the group commit was lost; partitions not in the state start
// at the group's committed offset, else at `start`.
//
// A message that does not parse is a dead letter when the stage has `dead_letter` (or an
// explicit `on_error`): take_dead() hands it to the engine as a create event with row
// {topic, partition, offset, key, value} (key/value: the raw bytes, null when absent),
// position {topic, partition, offset} and DeadLetterInfo kind "decode", message
// "TOPIC/PARTITION@OFFSET: why". Without either it is skipped: counted (skipped()) and logged
// as a warning naming topic, partition and offset (the first 20, then every 1000th). Either
// way its offset moves on with the checkpoint (it is not read again).
// Parallelism > 1: every instance is a consumer of its own in the same group, so Kafka spreads
// the partitions; each checkpoints the offsets it read (and those it was restored with), and a
// restart gives every instance the largest offset of each partition across all instances'
// states, whatever the parallelism was. A partition assigned to an instance starts at the
// larger of the stage's completed offset (CompletedOffsets: safe, a checkpoint made everything
// below it durable) and the instance's own read position (the continuation of its own range):
// never beyond what some completed checkpoint or this instance's pending state covers, so
// taking the largest offset at a restore loses nothing.
#pragma once
#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/operator.h"
#include "operators/kafka/completed_offsets.h"
#include "operators/kafka/message_decoder.h"
#include "operators/kafka/partition_offsets.h"

namespace sluice::operators::kafka {

class KafkaSource : public Source {
 public:
  struct Options {
    std::string stage;
    std::string brokers;
    std::vector<std::string> topics;
    std::string group;
    Format format = Format::Debezium;
    bool earliest = true;
    std::vector<std::pair<std::string, std::string>> properties;
    bool dead_letters = false;  // bad messages -> take_dead() instead of skipped
    int instance = 0;           // of `parallelism` consumers
    int parallelism = 1;
  };
  // shared: the stage's StageShared (null: a stage of one, as in unit tests).
  explicit KafkaSource(Options o, std::shared_ptr<StageShared> shared = nullptr);
  ~KafkaSource() override;
  static result<std::unique_ptr<Source>> make(const StageConfig& cfg);

  result<void> open(const std::string& state) override;
  result<Poll> poll(size_t max, std::vector<Event>& out) override;
  std::string checkpoint_state() const override;
  std::string checkpoint(uint64_t id) override;
  void checkpoint_committed(uint64_t id) override;
  void take_dead(std::vector<Event>& out) override;
  void close() override;

  uint64_t skipped() const { return skipped_; }
  uint64_t committed() const { return commits_; }

 private:
  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* parts, void* opaque);
  static void on_commit(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                        rd_kafka_topic_partition_list_t* offsets, void* opaque);
  // Commits the group offsets of the partitions this consumer owns that moved since the last
  // commit, without waiting (the answer comes through serve_commits). How many it sent.
  int commit_owned();
  // Takes the answers of earlier async commits, waiting up to timeout_ms for one.
  void serve_commits(int timeout_ms);
  // err: why it does not parse (its code, else kafka errc::decode, goes to the dead letter).
  void skip(const rd_kafka_message_t* m, const std::string& topic, const error& err);
  // " #I" with parallelism > 1 (log lines), else "".
  std::string instance_label() const {
    return o_.parallelism > 1 ? " #" + std::to_string(o_.instance) : "";
  }

  Options o_;
  MessageDecoder decoder_;
  rd_kafka_t* rk_ = nullptr;
  rd_kafka_queue_t* queue_ = nullptr;
  rd_kafka_queue_t* commit_queue_ = nullptr;  // answers of async offset commits
  int commits_in_flight_ = 0;
  std::shared_ptr<StageShared> shared_;
  std::shared_ptr<CompletedOffsets> completed_;  // the stage's, shared by its instances
  PartitionOffsets positions_;                   // next offset per partition read (or restored)
  PartitionOffsets last_committed_;              // sent to the group (-1: unknown or refused)
  std::vector<rd_kafka_message_t*> msgs_;
  std::vector<Event> dead_;
  uint64_t skipped_ = 0;
  uint64_t commits_ = 0;
};

}  // namespace sluice::operators::kafka
