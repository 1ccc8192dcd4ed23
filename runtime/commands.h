// The sluice subcommands. Each returns the process exit code (DSL.md §11):
// 0 ok, 1 invalid pipeline, 2 usage, 3 runtime failure.
#pragma once
#include <string>
#include <vector>

namespace sluice::runtime {

constexpr int kExitOk = 0;
constexpr int kExitInvalid = 1;
constexpr int kExitUsage = 2;
constexpr int kExitRuntime = 3;

int command_check(const std::vector<std::string>& args);
int command_test(const std::vector<std::string>& args);
int command_graph(const std::vector<std::string>& args);
int command_run(const std::vector<std::string>& args);
int command_reload(const std::vector<std::string>& args);
int command_snapshot(const std::vector<std::string>& args);
int command_list(const std::vector<std::string>& args);
int command_docs(const std::vector<std::string>& args);
int command_status(const std::vector<std::string>& args);
int command_tap(const std::vector<std::string>& args);
int command_top(const std::vector<std::string>& args);
int command_reconcile(const std::vector<std::string>& args);
int command_optimize(const std::vector<std::string>& args);
int command_kafka_dev(const std::vector<std::string>& args);
int command_node(const std::vector<std::string>& args);
int command_node_worker(const std::vector<std::string>& args);
int command_deploy(const std::vector<std::string>& args);
int command_undeploy(const std::vector<std::string>& args);
int command_eval(const std::vector<std::string>& args);
int command_man(const std::vector<std::string>& args);
int command_completions(const std::vector<std::string>& args);
int command_help(const std::vector<std::string>& args);
// `status --cluster HOST:PORT` (runtime/command_status.cpp hands over to it).
int command_status_cluster(const std::string& address);
// $SLUICE_CLUSTER, else "" (deploy, undeploy, status --cluster).
std::string default_cluster();

// $SLUICE_ENDPOINT, else 127.0.0.1:9465 (status, top, tap, reload, graph --endpoint): `run --api`.
std::string default_endpoint();

}  // namespace sluice::runtime
