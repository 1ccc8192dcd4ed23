#include "runtime/http_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace sluice::runtime {
namespace {
constexpr size_t kMaxRequest = 64 * 1024;

bool send_all(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

// Reads until the headers and Content-Length bytes of body arrived (2 s per read).
bool read_request(int fd, HttpRequest& req) {
  std::string buf;
  size_t header_end = std::string::npos;
  size_t content_length = 0;
  char chunk[4096];
  while (true) {
    if (header_end != std::string::npos && buf.size() >= header_end + 4 + content_length) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 2000) <= 0) return false;
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buf.append(chunk, static_cast<size_t>(n));
    if (buf.size() > kMaxRequest) return false;
    if (header_end == std::string::npos) {
      header_end = buf.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        std::string headers = buf.substr(0, header_end);
        for (char& c : headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto cl = headers.find("\ncontent-length:");
        if (cl != std::string::npos)
          content_length = std::strtoul(headers.c_str() + cl + 16, nullptr, 10);
        if (content_length > kMaxRequest) return false;
      }
    }
  }
  const size_t line_end = buf.find("\r\n");
  std::string line = buf.substr(0, line_end);
  auto sp1 = line.find(' ');
  auto sp2 = line.find(' ', sp1 == std::string::npos ? 0 : sp1 + 1);
  if (sp1 == std::string::npos || sp2 == std::string::npos) return false;
  req.method = line.substr(0, sp1);
  std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (auto q = target.find('?'); q != std::string::npos) {
    req.query = target.substr(q + 1);
    target.resize(q);
  }
  req.path = target;
  req.body = buf.substr(header_end + 4, content_length);
  return true;
}
}  // namespace

const char* http_reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 501:
      return "Not Implemented";
    default:
      return "Error";
  }
}

// "HOST:PORT", ":PORT" or "PORT"; no host means loopback (127.0.0.1): every interface only
// when asked for ("0.0.0.0:9464", "[::]:9464").
bool split_host_port(const std::string& addr, std::string& host, int& port) {
  auto colon = addr.rfind(':');
  host = colon == std::string::npos ? std::string() : addr.substr(0, colon);
  if (host.empty()) host = "127.0.0.1";
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const std::string p = colon == std::string::npos ? addr : addr.substr(colon + 1);
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos)
    return false;
  port = std::stoi(p);
  return port >= 0 && port <= 65535;
}

HttpServer::~HttpServer() { stop(); }

result<void> HttpServer::start(const std::string& addr) {
  std::string host;
  int port = 0;
  if (!split_host_port(addr, host, port)) {
    return error::permanent("'" + addr + "' is not HOST:PORT (e.g. 127.0.0.1:9464)");
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  const std::string port_text = std::to_string(port);
  int rc = ::getaddrinfo(host.c_str(), port_text.c_str(), &hints, &res);
  if (rc != 0) return error::permanent("cannot resolve '" + host + "': " + ::gai_strerror(rc));
  std::string last_error = "no address";
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, 64) == 0) {
      listen_fd_ = fd;
      break;
    }
    last_error = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(res);
  if (listen_fd_ < 0) return error::permanent("cannot listen on " + addr + ": " + last_error);
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len);
  port_ = ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                                         : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  char host_text[INET6_ADDRSTRLEN] = {};
  const void* in = ss.ss_family == AF_INET6
                       ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr)
                       : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(&ss)->sin_addr);
  ::inet_ntop(ss.ss_family, in, host_text, sizeof host_text);
  bound_host_ = host_text;
  stop_ = false;
  thread_ = std::thread([this] { serve(); });
  return {};
}

void HttpServer::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  listen_fd_ = -1;
}

void HttpServer::serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    handle(fd);
    ::close(fd);
  }
}

void HttpServer::handle(int fd) {
  HttpRequest req;
  HttpResponse resp;
  if (!read_request(fd, req)) {
    resp.status = 400;
    resp.content_type = "text/plain";
    resp.body = "bad request\n";
  } else {
    try {
      resp = handler_(req);
    } catch (const std::exception& e) {
      resp.status = 500;
      resp.content_type = "text/plain";
      resp.body = std::string("internal error: ") + e.what() + "\n";
    }
  }
  std::string head = "HTTP/1.1 " + std::to_string(resp.status) + " " + http_reason(resp.status) +
                     "\r\nContent-Type: " + resp.content_type +
                     "\r\nContent-Length: " + std::to_string(resp.body.size()) +
                     "\r\nConnection: close\r\n\r\n";
  if (req.method != "HEAD") head += resp.body;
  send_all(fd, head);
}

}  // namespace sluice::runtime
