// An HTTP/1.1 listener for the metrics endpoint and the management API, on cpp-httplib: a pool
// of worker threads (a slow or stalled client holds one of them, never the listener), read and
// write timeouts, requests up to 1 MiB, optional TLS (certificate and key files, PEM).
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "base/result.h"

namespace httplib {
class Server;
}

namespace sluice::runtime {

struct HttpRequest {
  std::string method;  // GET, POST, ...
  std::string path;    // without the query string
  std::string query;
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;  // extra response headers
  // A streamed (chunked) body instead of `body`: called until it returns false, each call
  // appending whole lines to `chunk` (sent after secrets::redact; may stay empty). The
  // server also stops calling it when the client is gone or the server stops.
  std::function<bool(std::string& chunk)> stream;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  int threads = 8;
  int read_timeout_ms = 5000;  // per read; a request line trickling slower is dropped
  int write_timeout_ms = 5000;
  std::string tls_cert;  // PEM files; both set = HTTPS
  std::string tls_key;
};

class HttpServer {
 public:
  explicit HttpServer(HttpHandler handler, HttpServerOptions options = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds ADDR ("127.0.0.1:9464", "0.0.0.0:9464", "localhost:9464"; a bare port "9464" or
  // ":9464" binds 127.0.0.1) and starts serving.
  result<void> start(const std::string& addr);
  void stop();
  int port() const { return port_; }
  const std::string& bound_host() const { return bound_host_; }  // numeric, e.g. "127.0.0.1"
  bool tls() const { return !options_.tls_cert.empty(); }

 private:
  HttpHandler handler_;
  HttpServerOptions options_;
  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  std::string bound_host_;
  std::thread thread_;
};

// Splits "host:port" (no host = 127.0.0.1; "[::1]:9" = ::1); false when malformed.
bool split_host_port(const std::string& addr, std::string& host, int& port);
// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(const std::string& host);
const char* http_reason(int status);

}  // namespace sluice::runtime
