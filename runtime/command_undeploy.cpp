// sluice undeploy NAME --cluster HOST:PORT: remove a pipeline from a cluster.
#include <cstdio>

#include "cluster/cluster_client.h"
#include "runtime/cli_args.h"
#include "runtime/commands.h"

namespace sluice::runtime {

int command_undeploy(const std::vector<std::string>& argv) {
  const char* help =
      "usage: sluice undeploy NAME [--cluster HOST:PORT]\n\n"
      "Removes pipeline NAME from the cluster: its owner drains it to a checkpoint and stops it;\n"
      "its definition and shared checkpoint are deleted. HOST:PORT defaults to $SLUICE_CLUSTER.\n"
      "A cluster with TLS needs SLUICE_CLUSTER_CERT, SLUICE_CLUSTER_KEY and SLUICE_CLUSTER_CA.\n"
      "Exit codes: 0 ok, 2 usage or no such pipeline, 3 the cluster cannot be reached.\n";
  int exit_code = kExitOk;
  auto args = cli::parse_command("undeploy", argv, {"--cluster"}, {}, help, exit_code);
  if (!args) return exit_code;
  const std::string address = args->get("--cluster").value_or(default_cluster());
  if (args->positional.size() != 1 || address.empty()) {
    std::fprintf(stderr, "sluice undeploy: expected NAME and --cluster HOST:PORT\n\n%s", help);
    return kExitUsage;
  }
  auto r = cluster::cluster_undeploy(address, args->positional[0]);
  if (!r.ok()) {
    std::fprintf(stderr, "sluice undeploy: %s\n", r.err().message.c_str());
    return r.err().kind == failure_kind::permanent ? kExitUsage : kExitRuntime;
  }
  std::fputs(r->second.c_str(), r->first == 0 ? stdout : stderr);
  return r->first;
}

}  // namespace sluice::runtime
