#include "runtime/http_server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netdb.h>

#include <cctype>
#include <chrono>
#include <cstring>

#include "base/secrets.h"

namespace sluice::runtime {
namespace {
constexpr size_t kMaxRequest = size_t{1024} * 1024;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

HttpRequest to_request(const httplib::Request& in) {
  HttpRequest r;
  r.method = in.method;
  r.path = in.path;
  if (auto q = in.target.find('?'); q != std::string::npos) r.query = in.target.substr(q + 1);
  r.body = in.body;
  for (const auto& [name, value] : in.headers) r.headers.emplace(lower(name), value);
  return r;
}

// The numeric address HOST resolves to (the first one), so that the bound address is known.
result<std::string> numeric_host(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0 || !res)
    return error::permanent("cannot resolve '" + host + "': " + ::gai_strerror(rc));
  char text[INET6_ADDRSTRLEN] = {};
  const void* in =
      res->ai_family == AF_INET6
          ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(res->ai_addr)->sin6_addr)
          : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(res->ai_addr)->sin_addr);
  ::inet_ntop(res->ai_family, in, text, sizeof text);
  ::freeaddrinfo(res);
  return std::string(text);
}
// The chunked body of a streamed response; every chunk passes secrets::redact.
httplib::ContentProviderWithoutLength stream_provider(
    std::function<bool(std::string& chunk)> stream) {
  return [stream = std::move(stream)](size_t, httplib::DataSink& sink) {
    std::string chunk;
    bool more = false;
    try {
      more = stream(chunk);
    } catch (const std::exception&) {
      return false;
    }
    if (!chunk.empty()) {
      chunk = secrets::redact(std::move(chunk));
      if (!sink.write(chunk.data(), chunk.size())) return false;
    }
    if (!more) sink.done();
    return true;
  };
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
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 422:
      return "Unprocessable Entity";
    case 503:
      return "Service Unavailable";
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

HttpServer::HttpServer(HttpHandler handler, HttpServerOptions options)
    : handler_(std::move(handler)), options_(std::move(options)) {}

HttpServer::~HttpServer() { stop(); }

result<void> HttpServer::start(const std::string& addr) {
  std::string host;
  int port = 0;
  if (!split_host_port(addr, host, port)) {
    return error::permanent("'" + addr + "' is not HOST:PORT (e.g. 127.0.0.1:9464)");
  }
  auto numeric = numeric_host(host);
  if (!numeric.ok()) return numeric.err();
  if (options_.tls_cert.empty() != options_.tls_key.empty()) {
    return error::permanent("TLS needs both a certificate and a key file");
  }
  if (!options_.tls_cert.empty()) {
    auto tls =
        std::make_unique<httplib::SSLServer>(options_.tls_cert.c_str(), options_.tls_key.c_str());
    if (!tls->is_valid()) {
      return error::permanent("cannot load the TLS certificate '" + options_.tls_cert +
                              "' and key '" + options_.tls_key +
                              "' (PEM files readable by this user?)");
    }
    server_ = std::move(tls);
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  const size_t threads = static_cast<size_t>(std::max(1, options_.threads));
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_read_timeout(options_.read_timeout_ms / 1000,
                            static_cast<time_t>(options_.read_timeout_ms % 1000) * 1000);
  server_->set_write_timeout(options_.write_timeout_ms / 1000,
                             static_cast<time_t>(options_.write_timeout_ms % 1000) * 1000);
  server_->set_payload_max_length(kMaxRequest);
  auto route = [this](const httplib::Request& in, httplib::Response& out) {
    HttpResponse resp;
    try {
      resp = handler_(to_request(in));
    } catch (const std::exception& e) {
      resp = HttpResponse{
          500, "text/plain", std::string("internal error: ") + e.what() + "\n", {}, {}};
    }
    out.status = resp.status;
    for (const auto& [name, value] : resp.headers) out.set_header(name, value);
    if (resp.stream) {
      out.set_chunked_content_provider(resp.content_type, stream_provider(std::move(resp.stream)));
      return;
    }
    // Nothing registered as a secret leaves through HTTP (error bodies, reasons, dead letters).
    out.set_content(secrets::redact(std::move(resp.body)), resp.content_type.c_str());
  };
  // cpp-httplib 0.11 answers a POST without Content-Length (`curl -X POST URL`) with a bare 400
  // before any handler runs; say what to do instead.
  server_->set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& in, httplib::Response& out) {
        if (out.status != 400 || !out.body.empty())
          return httplib::Server::HandlerResponse::Unhandled;
        std::string why = "bad request\n";
        if (in.method != "GET" && !in.has_header("Content-Length")) {
          why = "send a Content-Length header (curl: add -d '' to a POST without a body)\n";
        }
        out.set_content(why, "text/plain");
        return httplib::Server::HandlerResponse::Handled;
      }));
  const char* any = ".*";
  server_->Get(any, route)
      .Post(any, route)
      .Put(any, route)
      .Patch(any, route)
      .Delete(any, route)
      .Options(any, route);
  const bool bound = port == 0 ? (port = server_->bind_to_any_port(*numeric)) > 0
                               : server_->bind_to_port(*numeric, port);
  if (!bound) {
    server_.reset();
    return error::permanent("cannot listen on " + addr + ": " + std::strerror(errno));
  }
  port_ = port;
  bound_host_ = *numeric;
  thread_ = std::thread([s = server_.get()] { s->listen_after_bind(); });
  // stop() only stops a server that is already in its accept loop.
  for (int i = 0; i < 5000 && !server_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return {};
}

void HttpServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  in_addr a{};
  return ::inet_pton(AF_INET, host.c_str(), &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

}  // namespace sluice::runtime
