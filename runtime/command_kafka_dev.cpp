// `sluice kafka-dev [--port 19092] [--brokers 1] [--host 127.0.0.1]`: librdkafka's mock cluster
// behind a fixed bootstrap port (a TCP forwarder to the first mock broker). The first output
// line is `bootstrap=HOST:PORT`, then `brokers=...` (the mock's own broker addresses, which
// clients use after the bootstrap). Runs until SIGINT/SIGTERM; all data is in memory.
#include <signal.h>

#include <cstdio>
#include <string>
#include <vector>

#include "operators/kafka/mock_cluster.h"
#include "operators/kafka/tcp_forwarder.h"
#include "runtime/commands.h"

namespace sluice::runtime {

int command_kafka_dev(const std::vector<std::string>& args) {
  int port = 19092;
  int brokers = 1;
  std::string host = "127.0.0.1";
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](int& out) {
      if (i + 1 >= args.size()) return false;
      try {
        out = std::stoi(args[++i]);
      } catch (const std::exception&) {
        return false;
      }
      return true;
    };
    if (a == "--port") {
      if (!value(port) || port < 0 || port > 65535) {
        std::fputs("sluice kafka-dev: --port needs a port number\n", stderr);
        return kExitUsage;
      }
    } else if (a == "--brokers") {
      if (!value(brokers) || brokers < 1 || brokers > 16) {
        std::fputs("sluice kafka-dev: --brokers needs a number from 1 to 16\n", stderr);
        return kExitUsage;
      }
    } else if (a == "--host" && i + 1 < args.size()) {
      host = args[++i];
    } else if (a == "--help" || a == "-h") {
      std::puts(
          "usage: sluice kafka-dev [--port 19092] [--brokers 1] [--host 127.0.0.1]\n"
          "A local in-memory Kafka (librdkafka's mock cluster) for development and tests.\n"
          "Prints bootstrap=HOST:PORT first; runs until SIGINT/SIGTERM.");
      return kExitOk;
    } else {
      std::fprintf(stderr, "sluice kafka-dev: unknown argument '%s'\n", a.c_str());
      return kExitUsage;
    }
  }
  // Block the stop signals before any thread starts, so sigwait below receives them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  auto cluster = operators::kafka::MockCluster::start(brokers);
  if (!cluster.ok()) {
    std::fprintf(stderr, "sluice kafka-dev: %s\n", cluster.err().message.c_str());
    return kExitRuntime;
  }
  operators::kafka::TcpForwarder fwd;
  auto r = fwd.start(host, port, (*cluster)->first_host(), (*cluster)->first_port());
  if (!r.ok()) {
    std::fprintf(stderr, "sluice kafka-dev: %s\n", r.err().message.c_str());
    return kExitRuntime;
  }
  std::printf("bootstrap=%s:%d\nbrokers=%s\n", host.c_str(), fwd.port(),
              (*cluster)->bootstraps().c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&set, &sig);
  fwd.stop();
  cluster->reset();
  std::fprintf(stderr, "sluice kafka-dev: stopped\n");
  return kExitOk;
}

}  // namespace sluice::runtime
