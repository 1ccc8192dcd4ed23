#include "runtime/api_guard.h"

#include <cstdlib>
#include <fstream>

namespace sluice::runtime {
namespace {

bool equal_constant_time(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const std::string& other = a.size() == b.size() ? b : a;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ other[i]);
  }
  return diff == 0;
}

HttpResponse refuse(int status, const std::string& why) {
  HttpResponse r;
  r.status = status;
  r.body = "{\"error\":\"" + why + "\"}\n";  // fixed texts without quotes
  if (status == 401) r.headers["WWW-Authenticate"] = "Bearer realm=\"sluice\"";
  return r;
}

// "HOST[:PORT]" or "[V6]:PORT" -> HOST.
std::string host_of(const std::string& host_header) {
  if (!host_header.empty() && host_header.front() == '[') {
    auto close = host_header.find(']');
    return close == std::string::npos ? host_header : host_header.substr(1, close - 1);
  }
  return host_header.substr(0, host_header.find(':'));
}

// Browsers send Origin on every cross-origin request (and on same-origin POSTs); tools do not.
bool cross_origin(const HttpRequest& req) {
  const std::string site = req.header("sec-fetch-site");
  if (site == "cross-site" || site == "same-site") return true;
  const std::string origin = req.header("origin");
  if (origin.empty()) return false;
  const std::string host = req.header("host");
  return origin != "http://" + host && origin != "https://" + host;
}

}  // namespace

HttpHandler guard_api(HttpHandler inner, ApiGuardOptions options) {
  return [inner = std::move(inner), options = std::move(options)](const HttpRequest& req) {
    if (cross_origin(req)) return refuse(403, "cross-origin requests are refused");
    if (options.token.empty()) {
      if (!is_loopback_host(host_of(req.header("host")))) {
        return refuse(403, "this API answers only requests addressed to localhost");
      }
      return inner(req);
    }
    const std::string auth = req.header("authorization");
    const std::string prefix = "Bearer ";
    if (auth.size() <= prefix.size() || auth.compare(0, prefix.size(), prefix) != 0 ||
        !equal_constant_time(auth.substr(prefix.size()), options.token)) {
      return refuse(401, "send Authorization: Bearer TOKEN (sluice reads SLUICE_API_TOKEN)");
    }
    return inner(req);
  };
}

result<std::string> load_api_token(const std::string& file) {
  std::string token;
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in || !std::getline(in, token)) {
      return error::permanent("cannot read the API token file '" + file + "'");
    }
    while (!token.empty() &&
           (token.back() == '\r' || token.back() == ' ' || token.back() == '\t')) {
      token.pop_back();
    }
    if (token.empty()) return error::permanent("the API token file '" + file + "' is empty");
    return token;
  }
  const char* env = std::getenv("SLUICE_API_TOKEN");
  return std::string(env ? env : "");
}

}  // namespace sluice::runtime
