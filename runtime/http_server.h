// A small HTTP/1.1 server on POSIX sockets for the metrics endpoint and the management API:
// one thread, one request per connection (Connection: close), requests up to 64 KiB.
#pragma once
#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "engine/common/result.h"

namespace sluice::runtime {

struct HttpRequest {
  std::string method;  // GET, POST, ...
  std::string path;    // without the query string
  std::string query;
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  explicit HttpServer(HttpHandler handler) : handler_(std::move(handler)) {}
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds ADDR ("127.0.0.1:9464", "0.0.0.0:9464", "localhost:9464"; a bare port "9464" or
  // ":9464" binds 127.0.0.1) and starts the serving thread.
  result<void> start(const std::string& addr);
  void stop();
  int port() const { return port_; }
  const std::string& bound_host() const { return bound_host_; }  // numeric, e.g. "127.0.0.1"

 private:
  void serve();
  void handle(int fd);

  HttpHandler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::string bound_host_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Splits "host:port" (host may be empty = all interfaces); false when malformed.
bool split_host_port(const std::string& addr, std::string& host, int& port);
const char* http_reason(int status);

}  // namespace sluice::runtime
