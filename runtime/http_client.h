// A minimal blocking HTTP/1.1 client for `sluice status` and `sluice graph --endpoint`.
#pragma once
#include <string>

#include "engine/common/result.h"
#include "runtime/http_server.h"

namespace sluice::runtime {

// Sends METHOD PATH to ADDR (HOST:PORT; an empty host is 127.0.0.1) and returns the status and
// body. Errors: cannot connect, timeout, malformed response.
result<HttpResponse> http_request(const std::string& addr, const std::string& method,
                                  const std::string& path, int timeout_ms = 5000);
// The same with a request body (`sluice reload` posts the pipeline file).
result<HttpResponse> http_request(const std::string& addr, const std::string& method,
                                  const std::string& path, const std::string& body,
                                  int timeout_ms);

}  // namespace sluice::runtime
