// The read-only listener of `sluice run --metrics ADDR`:
//   GET /metrics  Prometheus text
//   GET /health   200 while the process serves (liveness)
//   GET /ready    200 when every pipeline runs (or is paused); 503 with the reasons while one
//                 is failing or has failed (readiness)
// Anything else is 404 (the management API is `--api`); methods other than GET/HEAD are 405.
#pragma once
#include <memory>

#include "engine/actors/live_registry.h"
#include "runtime/http_server.h"

namespace sluice::runtime {

HttpHandler metrics_endpoint(std::shared_ptr<engine::LiveRegistry> live);

}  // namespace sluice::runtime
