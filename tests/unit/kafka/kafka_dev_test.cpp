// `sluice kafka-dev`: prints bootstrap=HOST:PORT first; a producer and a consumer work
// against that fixed port.
#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

using namespace std::chrono_literals;

namespace {

rd_kafka_t* client(rd_kafka_type_t type, const std::string& bootstrap) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof(err));
  if (type == RD_KAFKA_CONSUMER) {
    rd_kafka_conf_set(conf, "group.id", "devtest", err, sizeof(err));
    rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", err, sizeof(err));
    rd_kafka_conf_set(conf, "session.timeout.ms", "6000", err, sizeof(err));
  }
  return rd_kafka_new(type, conf, err, sizeof(err));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kafka_dev)

BOOST_AUTO_TEST_CASE(prints_bootstrap_and_serves_clients) {
  int fds[2];
  BOOST_REQUIRE(::pipe(fds) == 0);
  std::string bin = std::string(SLUICE_BINARY_DIR) + "/sluice";
  BOOST_REQUIRE_MESSAGE(::access(bin.c_str(), X_OK) == 0, "build the sluice target first");
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::close(fds[0]);
    ::execl(bin.c_str(), bin.c_str(), "kafka-dev", "--port", "0", nullptr);
    ::_exit(127);
  }
  ::close(fds[1]);
  FILE* out = ::fdopen(fds[0], "r");
  char line[256] = {0};
  BOOST_REQUIRE(std::fgets(line, sizeof(line), out) != nullptr);
  std::string first = line;
  BOOST_REQUIRE_MESSAGE(first.rfind("bootstrap=127.0.0.1:", 0) == 0, first);
  std::string bootstrap = first.substr(10, first.find('\n') - 10);
  BOOST_CHECK(bootstrap != "127.0.0.1:0");

  rd_kafka_t* p = client(RD_KAFKA_PRODUCER, bootstrap);
  for (int i = 0; i < 10; ++i) {
    std::string v = "m" + std::to_string(i);
    BOOST_REQUIRE(rd_kafka_producev(p, RD_KAFKA_V_TOPIC("dev"),
                                    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                    RD_KAFKA_V_VALUE(v.data(), v.size()), RD_KAFKA_V_END) == 0);
  }
  BOOST_CHECK_EQUAL(rd_kafka_flush(p, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_destroy(p);

  rd_kafka_t* c = client(RD_KAFKA_CONSUMER, bootstrap);
  rd_kafka_poll_set_consumer(c);
  auto* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, "dev", RD_KAFKA_PARTITION_UA);
  rd_kafka_subscribe(c, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  int got = 0;
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (got < 10 && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(c, 100);
    if (m == nullptr) continue;
    if (!m->err) ++got;
    rd_kafka_message_destroy(m);
  }
  BOOST_CHECK_EQUAL(got, 10);
  rd_kafka_consumer_close(c);
  rd_kafka_destroy(c);

  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  BOOST_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  std::fclose(out);
}

BOOST_AUTO_TEST_SUITE_END()
