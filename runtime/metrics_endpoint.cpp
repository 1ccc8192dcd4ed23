#include "runtime/metrics_endpoint.h"

#include "runtime/metrics_export.h"

namespace sluice::runtime {
namespace {

HttpResponse text(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

HttpResponse ready(const engine::LiveRegistry& live) {
  std::string why;
  for (const auto& p : live.pipelines()) {
    const auto st = engine::LiveRegistry::state_of(*p);
    if (st.state != "failing" && st.state != "failed") continue;
    why += p->name + ": " + st.state + "\n";  // reasons only on the authenticated API
  }
  return why.empty() ? text(200, "ready\n") : text(503, why);
}

}  // namespace

HttpHandler metrics_endpoint(std::shared_ptr<engine::LiveRegistry> live) {
  return [live = std::move(live)](const HttpRequest& req) {
    const bool get = req.method == "GET" || req.method == "HEAD";
    if (req.path != "/metrics" && req.path != "/health" && req.path != "/ready") {
      return text(404, "unknown path " + req.path +
                           ": this listener serves /metrics, /health and /ready; the "
                           "management API is `sluice run --api ADDR`\n");
    }
    if (!get) return text(405, "use GET " + req.path + "\n");
    if (req.path == "/health") return text(200, "ok\n");
    if (req.path == "/ready") return ready(*live);
    HttpResponse r = text(200, render_prometheus(*live));
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return r;
  };
}

}  // namespace sluice::runtime
