// The CLI side of `sluice deploy/undeploy/status --cluster HOST:PORT`: one request to a node
// over CAF's middleman. Returns (exit code, text to print) or an error when the node cannot be
// reached.
#pragma once
#include <string>
#include <utility>

#include "base/result.h"

namespace sluice::cluster {

result<std::pair<int, std::string>> cluster_deploy(const std::string& address,
                                                   const std::string& path, const std::string& text,
                                                   int64_t instances = 1);
result<std::pair<int, std::string>> cluster_undeploy(const std::string& address,
                                                     const std::string& name);
result<std::pair<int, std::string>> cluster_status(const std::string& address);

}  // namespace sluice::cluster
