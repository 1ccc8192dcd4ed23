#include <csignal>
#include <cstdio>

#include "dsl/loader.h"
#include "engine/runtime/runner.h"
#include "operators/registry.h"
#include "runtime/cli_args.h"
#include "runtime/commands.h"
#include "runtime/run_summary.h"

namespace sluice::runtime {
namespace {
const char* kHelp =
    "usage: sluice run FILE [--exit-when-idle DURATION] [--state-dir DIR] [--quiet]\n\n"
    "Runs every pipeline in FILE until its bounded sources are done, or until SIGINT/SIGTERM\n"
    "(in-flight records are drained and checkpointed; exit 0).\n"
    "  --exit-when-idle D  exit after all bounded work is done and nothing new arrived for D (2s, 500ms)\n"
    "  --state-dir DIR     keep offsets and checkpoints under DIR/<pipeline> (default: settings.state_dir,\n"
    "                      else var/<pipeline>)\n"
    "  --quiet             no summary table at the end\n"
    "Not yet available in this build: --watch (hot reload), --metrics ADDR.\n"
    "Exit codes: 0 ok, 1 invalid pipeline, 2 usage, 3 runtime failure.\n";

extern "C" void on_stop_signal(int) { engine::request_stop(); }
}  // namespace

int command_run(const std::vector<std::string>& argv) {
  std::string err;
  auto args = cli::parse_args(argv, {"--exit-when-idle", "--state-dir", "--metrics"},
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
  if (args->has("--watch") || args->has("--metrics")) {
    std::fprintf(stderr, "sluice run: %s is not available in this build yet\n",
                 args->has("--watch") ? "--watch" : "--metrics");
    return kExitUsage;
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

  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  auto result = engine::run(loaded.file, operators::registry(), opts);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (!opts.quiet) print_run_summary(result, stderr);
  return result.exit_code;
}

}  // namespace sluice::runtime
