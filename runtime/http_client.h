// The CLI's HTTP client (`sluice status`, `graph --endpoint`, `reload`), on cpp-httplib.
// ADDR is HOST:PORT, :PORT or PORT (127.0.0.1), or http://HOST:PORT / https://HOST:PORT.
// Every request carries `Authorization: Bearer $SLUICE_API_TOKEN` when that variable is set;
// https verifies the server against $SLUICE_API_CA (a PEM file) or the system's CAs.
#pragma once
#include <functional>
#include <string>

#include "base/result.h"
#include "runtime/http_server.h"

namespace sluice::runtime {

// Sends METHOD PATH (GET or POST; PATH may carry a query) to ADDR and returns the status and
// body. Errors: cannot connect, TLS refused, timeout.
result<HttpResponse> http_request(const std::string& addr, const std::string& method,
                                  const std::string& path, int timeout_ms = 5000);
// The same with a request body (`sluice reload` posts the pipeline file).
result<HttpResponse> http_request(const std::string& addr, const std::string& method,
                                  const std::string& path, const std::string& body, int timeout_ms);

// GET PATH with a streamed answer (`sluice tap`): a 200 body goes to `on_data` piece by piece
// as it arrives (return false to stop reading: not an error); any other status comes back with
// its whole body. `timeout_ms` bounds each read (the server must send something that often).
result<HttpResponse> http_stream(const std::string& addr, const std::string& path,
                                 const std::function<bool(const char*, size_t)>& on_data,
                                 int timeout_ms);

}  // namespace sluice::runtime
