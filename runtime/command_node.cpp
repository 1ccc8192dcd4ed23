// sluice node --listen HOST:PORT [--join HOST:PORT] --state URL [--work-dir DIR]
// sluice node-worker ... (internal: one pipeline of a node, started by the node itself)
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "base/logger.h"
#include "base/secrets.h"
#include "cluster/node.h"
#include "cluster/worker.h"
#include "runtime/cli_args.h"
#include "runtime/commands.h"

namespace sluice::runtime {
namespace {
const char* kNodeHelp =
    "usage: sluice node --listen HOST:PORT [--join HOST:PORT] --state URL [--work-dir DIR]\n"
    "                   [--tls-cert FILE --tls-key FILE --tls-ca FILE] [--log-format text|json]\n"
    "                   [--log-level error|warn|info|debug]\n\n"
    "Starts a cluster node (docs/cluster.md). Nodes share a PostgreSQL state store (URL, a libpq\n"
    "URI; default $SLUICE_STATE_URL) holding pipeline definitions and versions, checkpoints and\n"
    "ownership; one node (chosen with an advisory lock) assigns pipelines to live nodes. The\n"
    "node listens on HOST:PORT (CAF middleman) for `sluice deploy/undeploy/status --cluster`.\n"
    "  --join HOST:PORT  a running node to join (checked to use the same state store)\n"
    "  --work-dir DIR    node-local files (default var/cluster/HOST_PORT)\n"
    "  --tls-cert FILE, --tls-key FILE, --tls-ca FILE  TLS between nodes and with the CLI: this\n"
    "                    node's certificate and key, and the cluster CA; peers and clients must\n"
    "                    hold certificates signed by it (defaults $SLUICE_CLUSTER_CERT, _KEY, "
    "_CA;\n"
    "                    the CLI reads the same variables). Without them the transport is plain "
    "text\n"
    "                    and accepts any peer: private networks only\n"
    "  --log-level LEVEL the least severe log lines written (default $SLUICE_LOG_LEVEL, else\n"
    "                    info); the node's workers log at the same level\n"
    "SIGINT/SIGTERM: the node drains its pipelines to a checkpoint, hands them back and exits 0.\n"
    "Exit codes: 0 ok, 2 usage, 3 runtime failure.\n";

extern "C" void on_node_stop(int) { cluster::Node::request_stop(); }

std::string self_exe() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("sluice") : p.string();
}
}  // namespace

int command_node(const std::vector<std::string>& argv) {
  int exit_code = kExitOk;
  auto args = cli::parse_command("node", argv,
                                 {"--listen", "--join", "--state", "--work-dir", "--log-format",
                                  "--tls-cert", "--tls-key", "--tls-ca"},
                                 {}, kNodeHelp, exit_code, false);
  if (!args) return exit_code;
  cluster::NodeOptions o;
  o.listen = args->get("--listen").value_or("");
  o.join = args->get("--join").value_or("");
  const char* env_url = std::getenv("SLUICE_STATE_URL");
  o.state_url = args->get("--state").value_or(env_url ? env_url : "");
  if (o.listen.empty() || o.state_url.empty()) {
    std::fprintf(stderr, "sluice node: --listen and --state are required\n\n%s", kNodeHelp);
    return kExitUsage;
  }
  secrets::add_connection_string(o.state_url);
  o.tls = cluster::ClusterTls::from_env();
  if (auto v = args->get("--tls-cert")) o.tls.cert = *v;
  if (auto v = args->get("--tls-key")) o.tls.key = *v;
  if (auto v = args->get("--tls-ca")) o.tls.ca = *v;
  if (auto ok = o.tls.check(); !ok.ok()) {
    std::fprintf(stderr, "sluice node: %s\n", ok.err().message.c_str());
    return kExitUsage;
  }
  log::set_json(args->get("--log-format").value_or("text") == "json");
  std::string safe = o.listen;
  for (char& c : safe) {
    if (c == ':' || c == '/') c = '_';
  }
  o.work_dir = args->get("--work-dir").value_or("var/cluster/" + safe);
  o.exe = self_exe();
  // Workers read the state store's URL from the environment (not from their command line).
  ::setenv("SLUICE_STATE_URL", o.state_url.c_str(), 1);
  std::signal(SIGINT, on_node_stop);
  std::signal(SIGTERM, on_node_stop);
  std::signal(SIGPIPE, SIG_IGN);
  cluster::Node node(o);
  return node.run();
}

int command_node_worker(const std::vector<std::string>& argv) {
  std::string err;
  auto args = cli::parse_args(argv,
                              {"--node", "--pipeline", "--instance", "--epoch", "--version",
                               "--file", "--control", "--state-dir"},
                              {}, err);
  const char* url = std::getenv("SLUICE_STATE_URL");
  if (!args || !url || !args->has("--pipeline") || !args->has("--file")) {
    std::fprintf(stderr, "sluice node-worker: internal command, started by `sluice node`\n");
    return kExitUsage;
  }
  cluster::WorkerOptions o;
  o.state_url = url;
  secrets::add_connection_string(o.state_url);
  o.node = args->get("--node").value_or("");
  o.pipeline = *args->get("--pipeline");
  o.file = *args->get("--file");
  o.instance = args->get("--instance").value_or("");
  o.control = args->get("--control").value_or("");
  o.state_dir = args->get("--state-dir").value_or("var/cluster-worker");
  o.epoch = std::atoll(args->get("--epoch").value_or("0").c_str());
  o.version = std::atoll(args->get("--version").value_or("0").c_str());
  return cluster::run_worker(o);
}

}  // namespace sluice::runtime
