// The CLI side of the management API (`sluice status`, `top`, `tap`): JSON answers and error
// texts that say what to do (start `sluice run --api`, set SLUICE_API_TOKEN).
#pragma once
#include <string>

#include "base/result.h"
#include "base/value.h"

namespace sluice::runtime {

// GET PATH from ENDPOINT as JSON. Errors: unreachable ("cannot reach ENDPOINT: ... (is `sluice
// run --api` listening there?)"), not JSON, or any status but 200 (api_error_text()).
result<Value> api_get_json(const std::string& endpoint, const std::string& path);

// ENDPOINT PATH: HTTP STATUS: the API's "error" text (BODY as it is when not JSON), plus a
// hint for 401 (SLUICE_API_TOKEN) and 403.
std::string api_error_text(const std::string& endpoint, const std::string& path, int status,
                           const std::string& body);

}  // namespace sluice::runtime
