// The kafka sink's exactly-once filter (`exactly_once = true`, docs/kafka.md "Exactly once").
//
// Every message the sink produces carries a `sluice.seq` header: its writer (the pipeline and
// stage), the epoch of the sink's state (chosen when the sink starts without a checkpoint), a
// sequence number that counts the messages in the order they are produced, and the identity
// of its change (a hash of its key, source position and operation). The sequence number is in
// the checkpoint. A restart replays the changes after the checkpoint in the same order, so
// they get the same sequence numbers again; messages go to the partition their key hashes to,
// so they go to the same partitions again. Before it produces to a topic after a restart, the
// sink reads the newest message of this writer and epoch in each of the topic's partitions
// (TailReader); the gate then drops every replayed message whose sequence number a partition
// already holds. A replay that differs from what the partition holds (its identity at the
// partition's newest sequence number is another) is logged: that source does not replay in
// order, and the topic keeps the earlier run's messages for the sequence numbers it holds.
#pragma once
#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"

namespace sluice::operators::kafka {

struct SeqHeader {
  std::string writer;
  uint64_t epoch = 0;
  int64_t seq = 0;
  uint64_t identity = 0;
  static constexpr const char* kName = "sluice.seq";
  std::string encode() const;
  // The same into a reused buffer, without a SeqHeader (no copy of the writer per message).
  static void encode(std::string_view writer, uint64_t epoch, int64_t seq, uint64_t identity,
                     std::string& out);
  // False when `text` is not a header of this form.
  static bool parse(std::string_view text, SeqHeader& out);
};

// FNV-1a over the parts of a change that identify it (stable across builds and processes).
class IdentityHash {
 public:
  void add(std::string_view bytes);
  uint64_t value() const { return h_; }

 private:
  uint64_t h_ = 1469598103934665603ULL;
};

class SequenceGate {
 public:
  struct Tail {
    int64_t seq = 0;  // 0: the partition holds nothing of this writer and epoch
    uint64_t identity = 0;
  };
  // Armed: every topic's tails are read before its first message is admitted.
  void arm() { armed_ = true; }
  bool armed() const { return armed_; }
  bool knows(const std::string& topic) const { return tails_.count(topic) != 0; }
  void learn(const std::string& topic, std::vector<Tail> partitions);
  // True when the partition already holds the message with this sequence number.
  bool holds(const std::string& topic, int32_t partition, int64_t seq, uint64_t identity);
  int64_t skipped() const { return skipped_; }
  int64_t differing() const { return differing_; }
  void clear();

 private:
  bool armed_ = false;
  std::unordered_map<std::string, std::vector<Tail>> tails_;
  int64_t skipped_ = 0, differing_ = 0;
};

// Reads the newest `sluice.seq` header of one writer and epoch in each partition of a topic,
// looking back at most `window` messages per partition.
class TailReader {
 public:
  TailReader(std::string brokers, std::vector<std::pair<std::string, std::string>> properties,
             int timeout_ms)
      : brokers_(std::move(brokers)), properties_(std::move(properties)), timeout_ms_(timeout_ms) {}
  ~TailReader();
  TailReader(const TailReader&) = delete;
  TailReader& operator=(const TailReader&) = delete;
  result<std::vector<SequenceGate::Tail>> read(const std::string& topic, int partitions,
                                               const std::string& writer, uint64_t epoch,
                                               int64_t window = 10000);

 private:
  result<void> connect();
  std::string brokers_;
  std::vector<std::pair<std::string, std::string>> properties_;
  int timeout_ms_;
  rd_kafka_t* rk_ = nullptr;
};

}  // namespace sluice::operators::kafka
