#include "runtime/http_client.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace sluice::runtime {

result<HttpResponse> http_request(const std::string& addr, const std::string& method,
                                  const std::string& path, int timeout_ms) {
  return http_request(addr, method, path, std::string(), timeout_ms);
}

result<HttpResponse> http_request(const std::string& addr, const std::string& method,
                                  const std::string& path, const std::string& body,
                                  int timeout_ms) {
  std::string host;
  int port = 0;
  if (!split_host_port(addr, host, port)) {
    return error::permanent("'" + addr + "' is not HOST:PORT (e.g. 127.0.0.1:9464)");
  }
  if (host.empty()) host = "127.0.0.1";
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port_text = std::to_string(port);
  int rc = ::getaddrinfo(host.c_str(), port_text.c_str(), &hints, &res);
  if (rc != 0) return error::transient("cannot resolve '" + host + "': " + ::gai_strerror(rc));
  int fd = -1;
  std::string last_error = "no address";
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
    last_error = std::strerror(errno);
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(res);
  if (fd < 0) return error::transient("cannot connect to " + addr + ": " + last_error);
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: " + host + ":" + port_text +
                    "\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\nConnection: close\r\n\r\n" + body;
  size_t off = 0;
  while (off < req.size()) {
    ssize_t n = ::send(fd, req.data() + off, req.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return error::transient("cannot send to " + addr);
    }
    off += static_cast<size_t>(n);
  }
  std::string buf;
  char chunk[8192];
  while (true) {
    pollfd p{fd, POLLIN, 0};
    int pr = ::poll(&p, 1, timeout_ms);
    if (pr <= 0) {
      ::close(fd);
      return error::transient("timeout waiting for " + addr);
    }
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    buf.append(chunk, static_cast<size_t>(n));
  }
  ::close(fd);
  auto head_end = buf.find("\r\n\r\n");
  if (buf.compare(0, 5, "HTTP/") != 0 || head_end == std::string::npos) {
    return error::permanent("malformed HTTP response from " + addr);
  }
  HttpResponse r;
  auto sp = buf.find(' ');
  r.status = std::atoi(buf.c_str() + sp + 1);
  r.body = buf.substr(head_end + 4);
  return r;
}

}  // namespace sluice::runtime
