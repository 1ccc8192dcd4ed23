#include "operators/kafka/mock_cluster.h"

namespace sluice::operators::kafka {

result<std::unique_ptr<MockCluster>> MockCluster::start(int brokers) {
  std::unique_ptr<MockCluster> m(new MockCluster());
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "0", err, sizeof(err));
  m->rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (m->rk_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    return error::fatal(std::string("mock cluster: ") + err);
  }
  m->mc_ = rd_kafka_mock_cluster_new(m->rk_, brokers);
  if (m->mc_ == nullptr) return error::fatal("mock cluster: cannot create");
  m->bootstraps_ = rd_kafka_mock_cluster_bootstraps(m->mc_);
  return m;
}

MockCluster::~MockCluster() {
  if (mc_ != nullptr) rd_kafka_mock_cluster_destroy(mc_);  // before its rd_kafka_t
  if (rk_ != nullptr) rd_kafka_destroy(rk_);
}

std::string MockCluster::first_host() const {
  std::string first = bootstraps_.substr(0, bootstraps_.find(','));
  return first.substr(0, first.rfind(':'));
}

int MockCluster::first_port() const {
  std::string first = bootstraps_.substr(0, bootstraps_.find(','));
  return std::stoi(first.substr(first.rfind(':') + 1));
}

result<void> MockCluster::create_topic(const std::string& topic, int partitions) {
  auto e = rd_kafka_mock_topic_create(mc_, topic.c_str(), partitions, 1);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return error::fatal("create topic " + topic + ": " + rd_kafka_err2str(e));
  }
  return {};
}

}  // namespace sluice::operators::kafka
