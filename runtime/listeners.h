// The HTTP listeners of `sluice run`: `--metrics ADDR` (read-only: /metrics, /health, /ready,
// no authentication) and `--api ADDR` (the management API behind guard_api: a bearer token
// from --api-token-file or $SLUICE_API_TOKEN, required on any non-loopback address; optional
// TLS with --api-tls-cert/--api-tls-key). Bare ports bind 127.0.0.1.
#pragma once
#include <memory>
#include <string>

#include "base/result.h"
#include "engine/actors/live_registry.h"
#include "runtime/http_server.h"
#include "runtime/management_api.h"
#include "runtime/reload_service.h"

namespace sluice::runtime {

struct ListenerOptions {
  std::string metrics_addr;  // empty = no metrics listener
  std::string api_addr;      // empty = no API
  std::string api_token_file;
  std::string api_tls_cert;
  std::string api_tls_key;
};

class Listeners {
 public:
  Listeners(std::shared_ptr<engine::LiveRegistry> live, std::shared_ptr<ReloadService> reload);
  ~Listeners();
  Listeners(const Listeners&) = delete;
  Listeners& operator=(const Listeners&) = delete;

  // Starts what `o` asks for. Errors name the flag: "--api: ...".
  result<void> start(const ListenerOptions& o);
  void stop();

 private:
  result<void> start_api(const ListenerOptions& o);

  std::shared_ptr<engine::LiveRegistry> live_;
  std::shared_ptr<ReloadService> reload_;
  std::unique_ptr<ManagementApi> api_;
  std::unique_ptr<HttpServer> metrics_server_;
  std::unique_ptr<HttpServer> api_server_;
};

}  // namespace sluice::runtime
