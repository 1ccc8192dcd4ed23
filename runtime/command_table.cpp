#include "runtime/command_table.h"

#include "runtime/commands.h"

namespace sluice::runtime {
namespace {
const CommandOption kLogLevel{"--log-level", "error|warn|info|debug",
                              "least severe log lines written (default info; $SLUICE_LOG_LEVEL)"};
const CommandOption kLogFormat{"--log-format", "text|json",
                               "text (default) or one JSON object per log line"};
const CommandOption kEndpoint{"--endpoint", "ADDR",
                              "the node's API (default $SLUICE_ENDPOINT, else 127.0.0.1:9465)"};
const CommandOption kCluster{"--cluster", "HOST:PORT",
                             "any node of the cluster (default $SLUICE_CLUSTER)"};

// The rows of the usage text, a group of commands each.
// Pipeline files: check, test, graph, run.
std::vector<Command> files_commands() {
  return {
      {"check", "FILE...", "validate pipeline files", {}, command_check},
      {"test", "FILE...", "run the pipeline tests in FILE (docs/testing.md)", {}, command_test},
      {"graph",
       "FILE [--format dot|mermaid|svg] [--endpoint ADDR]",
       "print the compiled actor graph (live rates with --endpoint)",
       {{"--format", "dot|mermaid|svg", "output format (default dot; svg needs Graphviz)"},
        kEndpoint},
       command_graph},
      {"run",
       "FILE [--watch] [--exit-when-idle D] [--state-dir DIR] [--metrics ADDR] [--api ADDR] "
       "[--log-format text|json]",
       "run every pipeline in FILE (--watch: hot reload)",
       {{"--watch", "", "hot-reload FILE when it changes"},
        {"--exit-when-idle", "D", "exit when all bounded work is done and nothing arrived for D"},
        {"--state-dir", "DIR", "offsets and checkpoints under DIR/<pipeline>"},
        {"--metrics", "ADDR", "serve Prometheus metrics, /health and /ready on ADDR"},
        {"--api", "ADDR", "serve the management API on ADDR"},
        {"--api-token-file", "FILE", "the API token (first line of FILE)"},
        {"--api-tls-cert", "FILE", "serve the API over HTTPS with this PEM certificate"},
        {"--api-tls-key", "FILE", "the key of --api-tls-cert"},
        kLogFormat,
        kLogLevel,
        {"--progress-interval", "D", "progress line interval when stderr is not a terminal"},
        {"--quiet", "", "no summary table, no progress, no info logs"}},
       command_run},
  };
}

// A running node: reload, snapshot, status, top, tap.
std::vector<Command> running_commands() {
  return {
      {"reload",
       "FILE [--endpoint ADDR] [--pipeline NAME]",
       "hot-reload a running node with FILE",
       {kEndpoint, {"--pipeline", "NAME", "reload only that pipeline of FILE"}},
       command_reload},
      {"snapshot",
       "PIPELINE TABLE... [--stop] [--stage NAME] [--filter SQL] [--endpoint ADDR]",
       "re-read tables of a running pipeline while it streams (--stop: stop that)",
       {{"--stop", "", "stop reading TABLE (every table being read when none is named)"},
        {"--stage", "NAME", "only that source of the pipeline"},
        {"--filter", "SQL", "read only the rows matching SQL"},
        kEndpoint},
       command_snapshot},
      {"status",
       "[--endpoint ADDR | --cluster HOST:PORT] [--pipeline NAME]",
       "pipelines, stages, lag and rates of a running node or a cluster",
       {kEndpoint, {"--pipeline", "NAME", "only that pipeline"}, kCluster},
       command_status},
      {"top",
       "[--endpoint ADDR] [--interval D] [--pipeline NAME] [--once]",
       "live rates, lag, errors and restarts of a node's pipelines and stages",
       {kEndpoint,
        {"--interval", "D", "redraw every D (default 1s)"},
        {"--pipeline", "NAME", "only that pipeline"},
        {"--once", "", "print one frame and exit"}},
       command_top},
      {"tap",
       "PIPELINE.STAGE [--endpoint ADDR] [--limit N]",
       "the records leaving a stage of a running node, as JSON lines (sampled)",
       {kEndpoint, {"--limit", "N", "exit after N records (default: until Ctrl-C)"}},
       command_tap},
  };
}

// Tools: reconcile, optimize, eval, list, docs, man, completions.
std::vector<Command> tool_commands() {
  return {
      {"reconcile",
       "FILE [--pipeline NAME] [--repair] [--chunk ROWS] [--show N]",
       "compare MySQL source tables with their PostgreSQL targets",
       {{"--pipeline", "NAME", "only that pipeline of FILE"},
        {"--repair", "", "send the missing and different rows again, then compare again"},
        {"--chunk", "ROWS", "rows per checksum chunk (default 10000)"},
        {"--show", "N", "keys listed per kind of difference (default 10)"}},
       command_reconcile},
      {"optimize",
       "DIR [--min-files N] [--file-rows N]",
       "compact the small files of a Delta table written by sink delta",
       {{"--min-files", "N", "compact at this many small files (default 2)"},
        {"--file-rows", "N", "rows of a full file (default 1000000)"}},
       command_optimize},
      {"eval",
       "EXPR [--row JSON] [--op c|u|d|r|t] [--before JSON] [--json]",
       "evaluate an expression on a row",
       {{"--row", "JSON", "the row (a JSON object; default {})"},
        {"--op", "c|u|d|r|t", "the event's @op (default c)"},
        {"--before", "JSON", "the event's @before (a JSON object)"},
        {"--json", "", "print only the value as JSON, without its type"}},
       command_eval},
      {"list",
       "[--json]",
       "list the registered operator kinds (and functions with --json)",
       {{"--json", "", "every operator kind with its options, and every function, as JSON"}},
       command_list},
      {"docs",
       "[--root DIR] [--out DIR] [--language FILE] [--check]",
       "write the generated docs (operators, language, man page, editor syntax)",
       {{"--root", "DIR", "the repository root the files are written under (default .)"},
        {"--out", "DIR", "where the operator reference goes (default ROOT/docs/operators)"},
        {"--language", "FILE", "the language reference (default ROOT/docs/language.md)"},
        {"--check", "", "write nothing; exit 1 when a generated file is out of date"}},
       command_docs},
      {"man", "", "print the man page (roff)", {}, command_man},
      {"completions", "bash|zsh", "print a shell completion script", {}, command_completions},
  };
}

// A cluster, and the rest.
std::vector<Command> cluster_commands() {
  return {
      {"node",
       "--listen HOST:PORT [--join HOST:PORT] --state URL",
       "start a cluster node (docs/cluster.md)",
       {{"--listen", "HOST:PORT", "where the node listens"},
        {"--join", "HOST:PORT", "a running node to join"},
        {"--state", "URL", "the PostgreSQL state store (default $SLUICE_STATE_URL)"},
        {"--work-dir", "DIR", "node-local files (default var/cluster/HOST_PORT)"},
        {"--tls-cert", "FILE", "this node's TLS certificate"},
        {"--tls-key", "FILE", "this node's TLS key"},
        {"--tls-ca", "FILE", "the cluster CA"},
        kLogFormat,
        kLogLevel},
       command_node},
      {"node-worker", "", "internal: one pipeline of a node", {}, command_node_worker, true},
      {"deploy",
       "FILE [--cluster HOST:PORT] [--instances N]",
       "deploy or hot-reload pipelines on a cluster",
       {kCluster, {"--instances", "N", "instances of each Kafka-only pipeline"}},
       command_deploy},
      {"undeploy",
       "NAME [--cluster HOST:PORT]",
       "remove a pipeline from a cluster",
       {kCluster},
       command_undeploy},
      {"kafka-dev",
       "[--port 19092] [--brokers 1] [--host 127.0.0.1]",
       "a local in-memory Kafka (librdkafka mock cluster)",
       {{"--port", "PORT", "the bootstrap port (default 19092)"},
        {"--brokers", "N", "mock brokers, 1 to 16 (default 1)"},
        {"--host", "HOST", "the address to bind (default 127.0.0.1)"}},
       command_kafka_dev},
      {"help", "", "this text", {}, command_help},
  };
}

// One row per command, in the order of the usage text.
std::vector<Command> build_table() {
  std::vector<Command> all;
  for (auto group : {files_commands, running_commands, tool_commands, cluster_commands}) {
    for (auto& c : group()) all.push_back(std::move(c));
  }
  return all;
}
}  // namespace

const std::vector<Command>& commands() {
  static const std::vector<Command> table = build_table();
  return table;
}

const Command* find_command(const std::string& name) {
  for (const auto& c : commands()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const std::vector<CommandOption>& global_options() {
  static const std::vector<CommandOption> opts{
      kLogLevel, {"--version", "", "print the version and the build's git commit"}};
  return opts;
}

std::vector<std::string> option_choices(const CommandOption& o) {
  std::vector<std::string> out;
  if (o.arg.find('|') == std::string::npos) return out;
  size_t start = 0;
  while (true) {
    size_t bar = o.arg.find('|', start);
    out.push_back(o.arg.substr(start, bar - start));
    if (bar == std::string::npos) return out;
    start = bar + 1;
  }
}

}  // namespace sluice::runtime
