#include "operators/kafka/tcp_forwarder.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sluice::operators::kafka {

result<void> TcpForwarder::start(const std::string& host, int port, const std::string& target_host,
                                 int target_port) {
  target_host_ = target_host;
  target_port_ = target_port;
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return error::fatal(std::string("socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1) {
    return error::fatal("bad listen address " + host);
  }
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    std::string m = std::string("cannot listen on ") + host + ":" + std::to_string(port) + ": " +
                    std::strerror(errno);
    ::close(listen_fd_);
    listen_fd_ = -1;
    return error::fatal(m);
  }
  ::listen(listen_fd_, 64);
  socklen_t len = sizeof(a);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  stop_ = false;
  acceptor_ = std::thread([this] { accept_loop(); });
  return {};
}

void TcpForwarder::accept_loop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) continue;
    std::lock_guard<std::mutex> g(mu_);
    conns_.emplace_back([this, c] { pipe(c); });
  }
}

void TcpForwarder::pipe(int client) {
  int up = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(target_port_));
  ::inet_pton(AF_INET, target_host_.c_str(), &a.sin_addr);
  if (up < 0 || ::connect(up, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    if (up >= 0) ::close(up);
    ::close(client);
    return;
  }
  int one = 1;
  ::setsockopt(up, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  char buf[65536];
  pollfd p[2] = {{client, POLLIN, 0}, {up, POLLIN, 0}};
  while (!stop_) {
    int n = ::poll(p, 2, 100);
    if (n <= 0) continue;
    bool done = false;
    for (int i = 0; i < 2 && !done; ++i) {
      if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t r = ::read(p[i].fd, buf, sizeof(buf));
      if (r <= 0) {
        done = true;
        break;
      }
      int to = p[1 - i].fd;
      ssize_t off = 0;
      while (off < r) {
        ssize_t w = ::write(to, buf + off, static_cast<size_t>(r - off));
        if (w <= 0) {
          if (w < 0 && errno == EINTR) continue;
          done = true;
          break;
        }
        off += w;
      }
    }
    if (done) break;
  }
  ::close(up);
  ::close(client);
}

void TcpForwarder::stop() {
  if (listen_fd_ < 0) return;
  stop_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> conns;
  {
    std::lock_guard<std::mutex> g(mu_);
    conns.swap(conns_);
  }
  for (auto& t : conns) {
    if (t.joinable()) t.join();
  }
  ::close(listen_fd_);
  listen_fd_ = -1;
}

}  // namespace sluice::operators::kafka
