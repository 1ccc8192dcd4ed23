#include "runtime/http_client.h"

#include <httplib.h>

#include <cstdlib>
#include <memory>

namespace sluice::runtime {
namespace {

// "https://h:p" stays; "h:p", ":p" and "p" become "http://h:p" (no host = 127.0.0.1).
result<std::string> base_url(const std::string& addr) {
  if (addr.rfind("http://", 0) == 0 || addr.rfind("https://", 0) == 0) return addr;
  std::string host;
  int port = 0;
  if (!split_host_port(addr, host, port)) {
    return error::permanent("'" + addr + "' is not HOST:PORT (e.g. 127.0.0.1:9465)");
  }
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port);
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string describe(httplib::Error e) {
  switch (e) {
    case httplib::Error::Connection:
      return "connection refused or host unreachable (is `sluice run --api` listening there?)";
    case httplib::Error::ConnectionTimeout:
      return "no connection in time";
    case httplib::Error::SSLLoadingCerts:
      return "cannot load the CA file in SLUICE_API_CA";
    case httplib::Error::Read:
      return "no answer in time";
    case httplib::Error::Write:
      return "the request could not be sent";
    case httplib::Error::SSLConnection:
      return "TLS handshake failed (an https:// endpoint for a plain listener, or the reverse?)";
    case httplib::Error::SSLServerVerification:
      return "the server's certificate is not trusted (set SLUICE_API_CA to the CA file that "
             "signed it)";
    default:
      return httplib::to_string(e);
  }
}

// A client for ADDR with the timeouts, CA and token of every request.
result<std::unique_ptr<httplib::Client>> make_client(const std::string& addr, int timeout_ms) {
  auto url = base_url(addr);
  if (!url.ok()) return url.err();
  auto client = std::make_unique<httplib::Client>(*url);
  if (!client->is_valid()) return error::permanent("'" + addr + "' is not a usable endpoint");
  const time_t sec = timeout_ms / 1000;
  const time_t usec = static_cast<time_t>(timeout_ms % 1000) * 1000;
  client->set_connection_timeout(sec, usec);
  client->set_read_timeout(sec, usec);
  client->set_write_timeout(sec, usec);
  if (const std::string ca = env("SLUICE_API_CA"); !ca.empty()) {
    client->set_ca_cert_path(ca.c_str());
  }
  if (const std::string token = env("SLUICE_API_TOKEN"); !token.empty()) {
    client->set_bearer_token_auth(token.c_str());
  }
  return {std::move(client)};
}

}  // namespace

result<HttpResponse> http_request(const std::string& addr, const std::string& method,
                                  const std::string& path, int timeout_ms) {
  return http_request(addr, method, path, std::string(), timeout_ms);
}

result<HttpResponse> http_request(const std::string& addr, const std::string& method,
                                  const std::string& path, const std::string& body,
                                  int timeout_ms) {
  auto client = make_client(addr, timeout_ms);
  if (!client.ok()) return client.err();
  httplib::Result r = method == "POST"     ? (*client)->Post(path.c_str(), body, "text/plain")
                      : method == "DELETE" ? (*client)->Delete(path.c_str(), body, "text/plain")
                                           : (*client)->Get(path.c_str());
  if (!r) {
    return error::transient("cannot reach " + addr + ": " + describe(r.error()));
  }
  HttpResponse out;
  out.status = r->status;
  out.body = r->body;
  out.content_type = r->get_header_value("Content-Type");
  return out;
}

result<HttpResponse> http_stream(const std::string& addr, const std::string& path,
                                 const std::function<bool(const char*, size_t)>& on_data,
                                 int timeout_ms) {
  auto client = make_client(addr, timeout_ms);
  if (!client.ok()) return client.err();
  HttpResponse out;
  bool stopped = false;
  httplib::Result r = (*client)->Get(
      path.c_str(),
      [&](const httplib::Response& head) {
        out.status = head.status;
        out.content_type = head.get_header_value("Content-Type");
        return true;
      },
      [&](const char* data, size_t size) {
        if (out.status != 200) {
          out.body.append(data, size);
          return true;
        }
        stopped = !on_data(data, size);
        return !stopped;
      });
  if (!r && !(stopped && r.error() == httplib::Error::Canceled)) {
    return error::transient("cannot reach " + addr + ": " + describe(r.error()));
  }
  return out;
}

}  // namespace sluice::runtime
