// sluice status --cluster HOST:PORT: the cluster's nodes and pipelines, asked from any node.
#include <cstdio>

#include "cluster/cluster_client.h"
#include "runtime/commands.h"

namespace sluice::runtime {

int command_status_cluster(const std::string& address) {
  auto r = cluster::cluster_status(address);
  if (!r.ok()) {
    std::fprintf(stderr, "sluice status: %s (is `sluice node --listen %s` running?)\n",
                 r.err().message.c_str(), address.c_str());
    return r.err().kind == failure_kind::permanent ? kExitUsage : kExitRuntime;
  }
  std::fputs(r->second.c_str(), stdout);
  return r->first;
}

}  // namespace sluice::runtime
