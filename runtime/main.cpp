// sluice: the command line (DSL.md §11).
#include <cstdio>
#include <string>
#include <vector>

#include "runtime/commands.h"

namespace {
const char* kUsage =
    "usage: sluice COMMAND [ARGS]\n\n"
    "commands:\n"
    "  check FILE...                       validate pipeline files\n"
    "  test FILE...                        run the pipeline tests in FILE (docs/testing.md)\n"
    "  graph FILE [--format dot|mermaid|svg] [--endpoint ADDR]\n"
    "                                      print the compiled actor graph (live rates with "
    "--endpoint)\n"
    "  run FILE [--watch] [--exit-when-idle D] [--state-dir DIR] [--metrics ADDR] [--api ADDR] "
    "[--log-format text|json]\n"
    "                                      run every pipeline in FILE (--watch: hot reload)\n"
    "  reload FILE [--endpoint ADDR]       hot-reload a running node with FILE\n"
    "  status [--endpoint ADDR]            pipelines, stages, lag and rates of a running node\n"
    "  reconcile FILE [--repair]           compare MySQL source tables with their PostgreSQL "
    "targets\n"
    "  list                                list the registered operator kinds\n"
    "  docs [--out DIR] [--check]          write the operator reference (docs/operators)\n"
    "  node --listen HOST:PORT [--join HOST:PORT] --state URL\n"
    "                                      start a cluster node (docs/cluster.md)\n"
    "  deploy FILE --cluster HOST:PORT     deploy or hot-reload pipelines on a cluster\n"
    "  undeploy NAME --cluster HOST:PORT   remove a pipeline from a cluster\n"
    "  status --cluster HOST:PORT          nodes, pipelines, owners, lag and errors of a cluster\n"
    "  kafka-dev [--port 19092] [--brokers 1]\n"
    "                                      a local in-memory Kafka (librdkafka mock cluster)\n"
    "  help                                this text\n\n"
    "`sluice COMMAND --help` describes each command.\n"
    "Exit codes: 0 ok, 1 invalid pipeline, 2 usage, 3 runtime failure.\n";
}

int main(int argc, char** argv) {
  using namespace sluice::runtime;
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return kExitUsage;
  }
  std::string cmd = argv[1];
  std::vector<std::string> rest(argv + 2, argv + argc);
  if (cmd == "check") return command_check(rest);
  if (cmd == "test") return command_test(rest);
  if (cmd == "graph") return command_graph(rest);
  if (cmd == "run") return command_run(rest);
  if (cmd == "reload") return command_reload(rest);
  if (cmd == "status") return command_status(rest);
  if (cmd == "reconcile") return command_reconcile(rest);
  if (cmd == "list") return command_list(rest);
  if (cmd == "docs") return command_docs(rest);
  if (cmd == "kafka-dev") return command_kafka_dev(rest);
  if (cmd == "node") return command_node(rest);
  if (cmd == "node-worker") return command_node_worker(rest);
  if (cmd == "deploy") return command_deploy(rest);
  if (cmd == "undeploy") return command_undeploy(rest);
  if (cmd == "help" || cmd == "--help" || cmd == "-h") {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  if (cmd == "--version") {
    std::puts("sluice 0.1.0");
    return kExitOk;
  }
  std::fprintf(stderr, "sluice: unknown command '%s'\n\n%s", cmd.c_str(), kUsage);
  return kExitUsage;
}
