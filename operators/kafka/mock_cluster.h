// librdkafka's in-process mock Kafka cluster (rdkafka_mock.h), owned with the client handle it
// lives in. Used by `sluice kafka-dev` and by the tests. Its brokers listen on ports chosen by
// the kernel (bootstraps() lists them).
#pragma once
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <memory>
#include <string>

#include "base/result.h"

namespace sluice::operators::kafka {

class MockCluster {
 public:
  static result<std::unique_ptr<MockCluster>> start(int brokers);
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  const std::string& bootstraps() const { return bootstraps_; }
  // Host and port of the first broker.
  std::string first_host() const;
  int first_port() const;
  rd_kafka_mock_cluster_t* handle() { return mc_; }
  // Creates a topic with the given partition count (replication 1).
  result<void> create_topic(const std::string& topic, int partitions);

 private:
  MockCluster() = default;
  rd_kafka_t* rk_ = nullptr;
  rd_kafka_mock_cluster_t* mc_ = nullptr;
  std::string bootstraps_;
};

}  // namespace sluice::operators::kafka
