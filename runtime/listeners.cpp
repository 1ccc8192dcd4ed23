#include "runtime/listeners.h"

#include "base/logger.h"
#include "runtime/api_guard.h"
#include "runtime/metrics_endpoint.h"

namespace sluice::runtime {

Listeners::Listeners(std::shared_ptr<engine::LiveRegistry> live,
                     std::shared_ptr<ReloadService> reload)
    : live_(std::move(live)), reload_(std::move(reload)) {}

Listeners::~Listeners() { stop(); }

result<void> Listeners::start(const ListenerOptions& o) {
  if (!o.metrics_addr.empty()) {
    metrics_server_ = std::make_unique<HttpServer>(metrics_endpoint(live_));
    auto started = metrics_server_->start(o.metrics_addr);
    if (!started.ok()) return error::permanent("--metrics: " + started.err().message);
    log::info("metrics", "serving /metrics, /health and /ready on " +
                             metrics_server_->bound_host() + ":" +
                             std::to_string(metrics_server_->port()));
  }
  if (!o.api_addr.empty()) return start_api(o);
  if (!o.api_token_file.empty() || !o.api_tls_cert.empty() || !o.api_tls_key.empty()) {
    return error::permanent("--api-token-file and --api-tls-* need --api ADDR");
  }
  return {};
}

result<void> Listeners::start_api(const ListenerOptions& o) {
  std::string host;
  int port = 0;
  if (!split_host_port(o.api_addr, host, port)) {
    return error::permanent("--api: '" + o.api_addr + "' is not HOST:PORT (e.g. 127.0.0.1:9465)");
  }
  auto token = load_api_token(o.api_token_file);
  if (!token.ok()) return error::permanent("--api-token-file: " + token.err().message);
  if (token->empty() && !is_loopback_host(host)) {
    return error::permanent("--api " + o.api_addr +
                            " is not a loopback address: give a token (--api-token-file FILE or "
                            "SLUICE_API_TOKEN) so that only its holders can manage this node");
  }
  api_ = std::make_unique<ManagementApi>(live_);
  api_->set_reload_service(reload_);
  HttpServerOptions so;
  so.tls_cert = o.api_tls_cert;
  so.tls_key = o.api_tls_key;
  api_server_ = std::make_unique<HttpServer>(
      guard_api([a = api_.get()](const HttpRequest& r) { return a->handle(r); },
                ApiGuardOptions{*token}),
      so);
  auto started = api_server_->start(o.api_addr);
  if (!started.ok()) return error::permanent("--api: " + started.err().message);
  api_->start_sampler();
  log::info("api", std::string("serving the management API on ") +
                       (api_server_->tls() ? "https://" : "http://") + api_server_->bound_host() +
                       ":" + std::to_string(api_server_->port()) +
                       (token->empty() ? " (loopback, no token)" : " (bearer token required)"));
  return {};
}

void Listeners::stop() {
  if (api_server_) api_server_->stop();
  if (metrics_server_) metrics_server_->stop();
  if (api_) api_->stop_sampler();
}

}  // namespace sluice::runtime
