// A small TCP forwarder: accepts on HOST:PORT and pipes each connection to a target address
// (one thread per connection). `sluice kafka-dev` puts it in front of the mock cluster's
// first broker so clients can bootstrap from a fixed port; after the bootstrap, Kafka clients
// connect to the broker addresses advertised in metadata (the mock's own ports) directly.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"

namespace sluice::operators::kafka {

class TcpForwarder {
 public:
  TcpForwarder() = default;
  ~TcpForwarder() { stop(); }
  TcpForwarder(const TcpForwarder&) = delete;
  TcpForwarder& operator=(const TcpForwarder&) = delete;
  // Listens on host:port (port 0 = any; see port()) and forwards to target_host:target_port.
  result<void> start(const std::string& host, int port, const std::string& target_host,
                     int target_port);
  int port() const { return port_; }
  void stop();

 private:
  void accept_loop();
  void pipe(int client);

  int listen_fd_ = -1;
  int port_ = 0;
  std::string target_host_;
  int target_port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> conns_;
};

}  // namespace sluice::operators::kafka
