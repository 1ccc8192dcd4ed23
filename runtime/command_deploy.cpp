// sluice deploy FILE --cluster HOST:PORT: check FILE and deploy its pipelines to a cluster.
#include <cstdio>
#include <cstdlib>

#include "cluster/cluster_client.h"
#include "dsl/loader.h"
#include "operators/registry.h"
#include "runtime/cli_args.h"
#include "runtime/commands.h"

namespace sluice::runtime {
namespace {
const char* kDeployHelp =
    "usage: sluice deploy FILE [--cluster HOST:PORT] [--instances N]\n\n"
    "Checks FILE, then deploys each of its pipelines to the cluster: a new pipeline is assigned\n"
    "to a node; a changed one is hot-reloaded wherever it runs (swapped at a checkpoint, nothing\n"
    "lost); an unchanged one is left alone. HOST:PORT is any node (default $SLUICE_CLUSTER).\n"
    "Environment references (env(), secret()) are evaluated on the "
    "nodes.\n"
    "  --instances N  run N instances of each pipeline whose sources are all Kafka, on different\n"
    "                 nodes where possible: one consumer group spreads the partitions over them\n"
    "A cluster with TLS needs SLUICE_CLUSTER_CERT, SLUICE_CLUSTER_KEY and SLUICE_CLUSTER_CA\n"
    "(a certificate signed by the cluster CA; docs/cluster.md).\n"
    "Exit codes: 0 ok, 1 invalid pipeline, 2 usage, 3 the cluster cannot be reached.\n";
}  // namespace

std::string default_cluster() {
  const char* env = std::getenv("SLUICE_CLUSTER");
  return env && *env ? env : "";
}

int command_deploy(const std::vector<std::string>& argv) {
  int exit_code = kExitOk;
  auto args =
      cli::parse_command("deploy", argv, {"--cluster", "--instances"}, {}, kDeployHelp, exit_code);
  if (!args) return exit_code;
  const std::string address = args->get("--cluster").value_or(default_cluster());
  if (args->positional.size() != 1 || address.empty()) {
    std::fprintf(stderr, "sluice deploy: expected FILE and --cluster HOST:PORT\n\n%s", kDeployHelp);
    return kExitUsage;
  }
  // Checked here first (clear errors without a round trip), then again by the node.
  auto loaded = dsl::load_file(args->positional[0], operators::registry().specs());
  std::string report = dsl::format(loaded);
  if (!loaded.ok()) {
    std::fputs(report.c_str(), stderr);
    return kExitInvalid;
  }
  int64_t instances = 1;
  if (auto n = args->get("--instances")) {
    instances = std::atoll(n->c_str());
    if (instances < 1 || instances > 64) {
      std::fprintf(stderr, "sluice deploy: --instances takes 1..64, not '%s'\n", n->c_str());
      return kExitUsage;
    }
  }
  auto r = cluster::cluster_deploy(address, args->positional[0], loaded.file.text, instances);
  if (!r.ok()) {
    std::fprintf(stderr, "sluice deploy: %s\n", r.err().message.c_str());
    return r.err().kind == failure_kind::permanent ? kExitUsage : kExitRuntime;
  }
  std::fputs(r->second.c_str(), r->first == 0 ? stdout : stderr);
  return r->first;
}

}  // namespace sluice::runtime
