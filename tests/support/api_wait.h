// Waiting for the management API of a `sluice run --api ADDR` started by a test.
#pragma once
#include <chrono>
#include <string>
#include <thread>

#include "runtime/http_client.h"

namespace sluice::test {

// True once GET /pipelines answers `status` (200, or 401 from a node with a token); false
// after 30 s.
inline bool wait_api(const std::string& addr, int status = 200) {
  for (int i = 0; i < 300; ++i) {
    auto r = runtime::http_request(addr, "GET", "/pipelines", 500);
    if (r.ok() && r->status == status) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace sluice::test
