// Test helpers for Kafka: an in-process librdkafka mock cluster, a producer and a group-less
// reader that reads every partition of a topic from the beginning.
#pragma once
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "operators/kafka/mock_cluster.h"

namespace sluice::test {

struct KafkaMessage {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  bool has_key = false, has_value = false;
  std::string key, value;
  std::vector<std::pair<std::string, std::string>> headers;
};

class KafkaMock {
 public:
  explicit KafkaMock(int brokers = 1) {
    auto c = operators::kafka::MockCluster::start(brokers);
    if (!c.ok()) throw std::runtime_error(c.err().message);
    cluster_ = std::move(c).value();
  }
  const std::string& bootstrap() const { return cluster_->bootstraps(); }
  rd_kafka_mock_cluster_t* handle() { return cluster_->handle(); }
  void create_topic(const std::string& t, int partitions) {
    auto r = cluster_->create_topic(t, partitions);
    if (!r.ok()) throw std::runtime_error(r.err().message);
  }

  // Produces (key, value) pairs; a value of nullptr-like "\x01TOMBSTONE" is sent as null.
  void produce(const std::string& topic,
               const std::vector<std::pair<std::string, std::string>>& msgs,
               const std::vector<bool>& null_value = {}) {
    rd_kafka_t* rk = client(RD_KAFKA_PRODUCER, "");
    for (size_t i = 0; i < msgs.size(); ++i) {
      const auto& [k, v] = msgs[i];
      bool null = i < null_value.size() && null_value[i];
      auto e = rd_kafka_producev(
          rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_KEY(k.empty() ? nullptr : k.data(), k.size()),
          RD_KAFKA_V_VALUE(null ? nullptr : const_cast<char*>(v.data()), null ? 0 : v.size()),
          RD_KAFKA_V_END);
      if (e) throw std::runtime_error(rd_kafka_err2str(e));
    }
    rd_kafka_flush(rk, 10000);
    rd_kafka_destroy(rk);
  }

  // Reads every partition of `topic` from the beginning until `n` messages arrived or the
  // timeout passed.
  std::vector<KafkaMessage> read_all(const std::string& topic, size_t n, int timeout_ms = 10000) {
    rd_kafka_t* rk = client(RD_KAFKA_CONSUMER, "");
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_topic_t* t = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
    std::vector<KafkaMessage> out;
    if (rd_kafka_metadata(rk, 0, t, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR &&
        md->topic_cnt == 1) {
      auto* parts = rd_kafka_topic_partition_list_new(md->topics[0].partition_cnt);
      for (int i = 0; i < md->topics[0].partition_cnt; ++i) {
        rd_kafka_topic_partition_list_add(parts, topic.c_str(), md->topics[0].partitions[i].id)
            ->offset = RD_KAFKA_OFFSET_BEGINNING;
      }
      rd_kafka_assign(rk, parts);
      rd_kafka_topic_partition_list_destroy(parts);
      auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
      while (out.size() < n && std::chrono::steady_clock::now() < deadline) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
        if (m == nullptr) continue;
        if (!m->err) {
          KafkaMessage km;
          km.topic = rd_kafka_topic_name(m->rkt);
          km.partition = m->partition;
          km.offset = m->offset;
          km.has_key = m->key != nullptr;
          km.has_value = m->payload != nullptr;
          if (m->key) km.key.assign(static_cast<const char*>(m->key), m->key_len);
          if (m->payload) km.value.assign(static_cast<const char*>(m->payload), m->len);
          rd_kafka_headers_t* h = nullptr;
          if (rd_kafka_message_headers(m, &h) == RD_KAFKA_RESP_ERR_NO_ERROR) {
            const char* name;
            const void* val;
            size_t size;
            for (size_t i = 0; rd_kafka_header_get_all(h, i, &name, &val, &size) == 0; ++i) {
              km.headers.emplace_back(name, std::string(static_cast<const char*>(val), size));
            }
          }
          out.push_back(std::move(km));
        }
        rd_kafka_message_destroy(m);
      }
    }
    if (md) rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(t);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return out;
  }

  // The group's committed offset of topic/partition (-1001 when none).
  int64_t committed(const std::string& group, const std::string& topic, int32_t partition) {
    rd_kafka_t* rk = client(RD_KAFKA_CONSUMER, group);
    auto* parts = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(parts, topic.c_str(), partition);
    int64_t off = -1001;
    if (rd_kafka_committed(rk, parts, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      off = parts->elems[0].offset;
    }
    rd_kafka_topic_partition_list_destroy(parts);
    rd_kafka_destroy(rk);
    return off;
  }

 private:
  rd_kafka_t* client(rd_kafka_type_t type, const std::string& group) {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap().c_str(), err, sizeof(err));
    if (type == RD_KAFKA_CONSUMER) {
      rd_kafka_conf_set(conf, "group.id", group.empty() ? "sluice-test-reader" : group.c_str(), err,
                        sizeof(err));
      rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof(err));
    } else {
      rd_kafka_conf_set(conf, "linger.ms", "1", err, sizeof(err));
    }
    rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof(err));
    if (rk == nullptr) throw std::runtime_error(err);
    return rk;
  }

  std::unique_ptr<operators::kafka::MockCluster> cluster_;
};

}  // namespace sluice::test
