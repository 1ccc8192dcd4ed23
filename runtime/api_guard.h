// The gate in front of the management API (`sluice run --api`):
// - `Authorization: Bearer TOKEN` when a token is configured (401 otherwise, compared in
//   constant time); without a token the API is only allowed on a loopback address (`sluice run`
//   refuses anything else) and then also checks that the Host header names loopback, so a web
//   page cannot reach it through DNS rebinding;
// - browser cross-origin requests are refused (403): an `Origin` header that is not this
//   listener's own origin, or `Sec-Fetch-Site: cross-site|same-site`.
#pragma once
#include <string>

#include "runtime/http_server.h"

namespace sluice::runtime {

struct ApiGuardOptions {
  std::string token;  // empty = no token (loopback listener only)
};

// Wraps `inner`; the token never appears in a response or a log line.
HttpHandler guard_api(HttpHandler inner, ApiGuardOptions options);

// The token for `--api`: the first line of FILE (`--api-token-file`), else $SLUICE_API_TOKEN,
// else empty. Errors: an unreadable or empty file.
result<std::string> load_api_token(const std::string& file);

}  // namespace sluice::runtime
