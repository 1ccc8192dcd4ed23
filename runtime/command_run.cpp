#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <memory>

#include "dsl/loader.h"
#include "engine/common/logger.h"
#include "engine/runtime/live_registry.h"
#include "engine/runtime/runner.h"
#include "operators/registry.h"
#include "runtime/cli_args.h"
#include "runtime/commands.h"
#include "runtime/http_server.h"
#include "runtime/management_api.h"
#include "runtime/progress_reporter.h"
#include "runtime/run_summary.h"

namespace sluice::runtime {
namespace {
const char* kHelp =
    "usage: sluice run FILE [--exit-when-idle DURATION] [--state-dir DIR] [--metrics ADDR]\n"
    "                       [--log-format text|json] [--progress-interval DURATION] [--quiet]\n\n"
    "Runs every pipeline in FILE until its bounded sources are done, or until SIGINT/SIGTERM\n"
    "(in-flight records are drained and checkpointed; exit 0).\n"
    "  --exit-when-idle D  exit after all bounded work is done and nothing new arrived for D (2s, 500ms)\n"
    "  --state-dir DIR     keep offsets and checkpoints under DIR/<pipeline> (default: settings.state_dir,\n"
    "                      else var/<pipeline>)\n"
    "  --metrics ADDR      serve Prometheus metrics at http://ADDR/metrics and the management API\n"
    "                      (GET /pipelines, /pipelines/NAME, POST /pipelines/NAME/pause|resume,\n"
    "                      GET /pipelines/NAME/dead-letters); e.g. 127.0.0.1:9464. See docs/operations.md\n"
    "  --log-format F      text (default) or json: one JSON object per log line\n"
    "  --progress-interval D  bounded reads (snapshots, counted generate) print a progress line every D\n"
    "                      when stderr is not a terminal (default 10s); a terminal gets a progress bar\n"
    "  --quiet             no summary table, no progress, no info logs\n"
    "Not yet available in this build: --watch (hot reload).\n"
    "Exit codes: 0 ok, 1 invalid pipeline, 2 usage, 3 runtime failure.\n";

extern "C" void on_stop_signal(int) { engine::request_stop(); }
}  // namespace

int command_run(const std::vector<std::string>& argv) {
  std::string err;
  auto args = cli::parse_args(argv,
                              {"--exit-when-idle", "--state-dir", "--metrics", "--log-format",
                               "--progress-interval"},
                              {"--help", "--watch", "--quiet"}, err);
  if (!args) {
    std::fprintf(stderr, "sluice run: %s\n\n%s", err.c_str(), kHelp);
    return kExitUsage;
  }
  if (args->has("--help")) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  if (args->positional.size() != 1) {
    std::fprintf(stderr, "sluice run: expected exactly one FILE\n\n%s", kHelp);
    return kExitUsage;
  }
  if (args->has("--watch")) {
    std::fprintf(stderr, "sluice run: --watch is not available in this build yet\n");
    return kExitUsage;
  }
  const std::string log_format = args->get("--log-format").value_or("text");
  if (log_format != "text" && log_format != "json") {
    std::fprintf(stderr, "sluice run: --log-format takes text or json, not '%s'\n", log_format.c_str());
    return kExitUsage;
  }
  log::set_json(log_format == "json");
  int64_t progress_interval_us = 10'000'000;
  if (auto pi = args->get("--progress-interval")) {
    auto us = cli::parse_duration_us(*pi);
    if (!us || *us <= 0) {
      std::fprintf(stderr, "sluice run: --progress-interval takes a duration like 5s, not '%s'\n", pi->c_str());
      return kExitUsage;
    }
    progress_interval_us = *us;
  }
  engine::RunOptions opts;
  if (auto idle = args->get("--exit-when-idle")) {
    auto us = cli::parse_duration_us(*idle);
    if (!us) {
      std::fprintf(stderr, "sluice run: --exit-when-idle takes a duration like 2s or 500ms, not '%s'\n",
                   idle->c_str());
      return kExitUsage;
    }
    opts.exit_when_idle_us = *us;
  }
  if (auto dir = args->get("--state-dir")) opts.state_dir = *dir;
  opts.quiet = args->has("--quiet");

  auto loaded = dsl::load_file(args->positional[0], operators::registry().specs());
  std::string report = dsl::format(loaded);
  if (!report.empty()) std::fputs(report.c_str(), stderr);
  if (!loaded.ok()) return kExitInvalid;

  auto live = std::make_shared<engine::LiveRegistry>();
  opts.live = live;
  std::unique_ptr<ManagementApi> api;
  std::unique_ptr<HttpServer> server;
  if (auto addr = args->get("--metrics")) {
    api = std::make_unique<ManagementApi>(live);
    server = std::make_unique<HttpServer>([a = api.get()](const HttpRequest& r) { return a->handle(r); });
    auto started = server->start(*addr);
    if (!started.ok()) {
      std::fprintf(stderr, "sluice run: --metrics: %s\n", started.err().message.c_str());
      return kExitUsage;
    }
    api->start_sampler();
    log::info("metrics", "serving /metrics and the management API on port " + std::to_string(server->port()));
  }
  std::unique_ptr<ProgressReporter> progress;
  if (!opts.quiet) {
    progress = std::make_unique<ProgressReporter>(live, stderr, ::isatty(2) == 1, progress_interval_us);
    progress->start();
  }

  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  auto result = engine::run(loaded.file, operators::registry(), opts);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (progress) progress->stop();
  if (server) server->stop();
  if (api) api->stop_sampler();
  if (!opts.quiet) print_run_summary(result, stderr);
  return result.exit_code;
}

}  // namespace sluice::runtime
