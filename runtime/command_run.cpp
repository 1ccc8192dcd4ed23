#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "base/logger.h"
#include "dsl/loader.h"
#include "engine/actors/live_registry.h"
#include "engine/actors/reloader.h"
#include "engine/actors/runner.h"
#include "operators/registry.h"
#include "runtime/cli_args.h"
#include "runtime/commands.h"
#include "runtime/listeners.h"
#include "runtime/progress_reporter.h"
#include "runtime/reload_service.h"
#include "runtime/run_summary.h"

namespace sluice::runtime {
namespace {
// The help text is laid out as printed.
// clang-format off
const char* kRunHelp =
    "usage: sluice run FILE [--watch] [--exit-when-idle DURATION] [--state-dir DIR] [--metrics ADDR]\n"
    "                       [--api ADDR [--api-token-file FILE] [--api-tls-cert FILE --api-tls-key FILE]]\n"
    "                       [--log-format text|json] [--log-level LEVEL] [--progress-interval DURATION]\n"
    "                       [--quiet]\n\n"
    "Runs every pipeline in FILE until its bounded sources are done, or until SIGINT/SIGTERM\n"
    "(in-flight records are drained and checkpointed; exit 0).\n"
    "  --exit-when-idle D  exit after all bounded work is done and nothing new arrived for D (2s, 500ms)\n"
    "  --state-dir DIR     keep offsets and checkpoints under DIR/<pipeline> (default: settings.state_dir,\n"
    "                      else var/<pipeline>)\n"
    "  --metrics ADDR      serve Prometheus metrics at http://ADDR/metrics, /health and /ready (read-only,\n"
    "                      no authentication); e.g. 127.0.0.1:9464 (a bare port binds 127.0.0.1;\n"
    "                      0.0.0.0:PORT every interface)\n"
    "  --api ADDR          serve the management API (pipelines, status, pause/resume, reload, dead\n"
    "                      letters, replay) on ADDR, e.g. 127.0.0.1:9465 (a bare port binds 127.0.0.1);\n"
    "                      requests need `Authorization: Bearer TOKEN` when a token is set; a\n"
    "                      non-loopback ADDR requires one. Cross-origin browser requests are refused\n"
    "  --api-token-file F  the API token (first line of F); default $SLUICE_API_TOKEN\n"
    "  --api-tls-cert F, --api-tls-key F  serve the API over HTTPS with this PEM certificate and key\n"
    "                      (clients: `--endpoint https://HOST:PORT`, CA in $SLUICE_API_CA)\n"
    "                      See docs/operations.md, section Security\n"
    "  --log-format F      text (default) or json: one JSON object per log line\n"
    "  --log-level LEVEL   error, warn, info (default) or debug: the least severe lines written\n"
    "                      (default $SLUICE_LOG_LEVEL; an option of every command)\n"
    "  --progress-interval D  bounded reads (snapshots, counted generate) print a progress line every D\n"
    "                      when stderr is not a terminal (default 10s); a terminal gets a progress bar\n"
    "  --quiet             no summary table, no progress, no info logs\n"
    "  --watch             hot-reload FILE when it changes: an invalid file is reported (as by\n"
    "                      `sluice check`) and the running graph keeps running; a valid one is\n"
    "                      swapped in at a checkpoint barrier (changed stages replaced, unchanged ones\n"
    "                      kept), nothing lost or duplicated. With --api, `sluice reload FILE`\n"
    "                      (POST /reload) does the same on demand.\n"
    "Exit codes: 0 ok, 1 invalid pipeline, 2 usage, 3 runtime failure.\n";
// clang-format on

extern "C" void on_stop_signal(int) { engine::request_stop(); }

std::string read_text(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `run --watch`: polls FILE (every 200 ms; a change must hold for 50 ms, so a file being
// written is not taken half-way) and hot-reloads the engine with it.
class FileWatcher {
 public:
  FileWatcher(std::string path, std::string text, std::shared_ptr<ReloadService> service)
      : path_(std::move(path)), last_(std::move(text)), service_(std::move(service)) {
    thread_ = std::thread([this] { loop(); });
  }
  ~FileWatcher() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  bool sleep_ms(int ms) {
    std::unique_lock<std::mutex> lock(mu_);
    return !cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stop_; });
  }
  void loop() {
    while (sleep_ms(200)) {
      bool ok = false;
      std::string text = read_text(path_, ok);
      if (!ok || text == last_) continue;
      if (!sleep_ms(50)) return;
      std::string again = read_text(path_, ok);
      if (!ok || again != text) continue;  // still being written
      last_ = text;
      log::info("reload", path_ + " changed: checking it");
      const ReloadOutcome o = service_->reload_text(path_, text);
      if (!o.diagnostics.empty()) std::fputs(o.diagnostics.c_str(), stderr);
      if (!o.valid) {
        log::warn("reload", path_ + " is invalid; the running pipelines keep running");
        continue;
      }
      if (!o.report.error.empty()) log::warn("reload", o.report.error);
      for (const auto& p : o.report.pipelines) {
        if (p.ok) {
          log::info("reload", ReloadService::line(p));
        } else {
          log::warn("reload", ReloadService::line(p));
        }
      }
    }
  }

  std::string path_;
  std::string last_;
  std::shared_ptr<ReloadService> service_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};
}  // namespace

int command_run(const std::vector<std::string>& argv) {
  int exit_code = kExitOk;
  auto args = cli::parse_command(
      "run", argv,
      {"--exit-when-idle", "--state-dir", "--metrics", "--api", "--api-token-file",
       "--api-tls-cert", "--api-tls-key", "--log-format", "--progress-interval"},
      {"--watch", "--quiet"}, kRunHelp, exit_code);
  if (!args) return exit_code;
  if (args->positional.size() != 1) {
    std::fprintf(stderr, "sluice run: expected exactly one FILE\n\n%s", kRunHelp);
    return kExitUsage;
  }
  const std::string log_format = args->get("--log-format").value_or("text");
  if (log_format != "text" && log_format != "json") {
    std::fprintf(stderr, "sluice run: --log-format takes text or json, not '%s'\n",
                 log_format.c_str());
    return kExitUsage;
  }
  log::set_json(log_format == "json");
  int64_t progress_interval_us = 10'000'000;
  if (auto pi = args->get("--progress-interval")) {
    auto us = cli::parse_duration_us(*pi);
    if (!us || *us <= 0) {
      std::fprintf(stderr, "sluice run: --progress-interval takes a duration like 5s, not '%s'\n",
                   pi->c_str());
      return kExitUsage;
    }
    progress_interval_us = *us;
  }
  engine::RunOptions opts;
  if (auto idle = args->get("--exit-when-idle")) {
    auto us = cli::parse_duration_us(*idle);
    if (!us) {
      std::fprintf(stderr,
                   "sluice run: --exit-when-idle takes a duration like 2s or 500ms, not '%s'\n",
                   idle->c_str());
      return kExitUsage;
    }
    opts.exit_when_idle_us = *us;
  }
  if (auto dir = args->get("--state-dir")) opts.state_dir = *dir;
  opts.lock_state_dirs = true;
  opts.quiet = args->has("--quiet");

  auto loaded = dsl::load_file(args->positional[0], operators::registry().specs());
  std::string report = dsl::format(loaded);
  if (!report.empty()) std::fputs(report.c_str(), stderr);
  if (!loaded.ok()) return kExitInvalid;

  auto live = std::make_shared<engine::LiveRegistry>();
  opts.live = live;
  auto reloader = std::make_shared<engine::Reloader>();
  opts.reloader = reloader;
  auto reload_service = std::make_shared<ReloadService>(reloader);
  Listeners listeners(live, reload_service);
  ListenerOptions lo;
  lo.metrics_addr = args->get("--metrics").value_or("");
  lo.api_addr = args->get("--api").value_or("");
  lo.api_token_file = args->get("--api-token-file").value_or("");
  lo.api_tls_cert = args->get("--api-tls-cert").value_or("");
  lo.api_tls_key = args->get("--api-tls-key").value_or("");
  if (auto started = listeners.start(lo); !started.ok()) {
    std::fprintf(stderr, "sluice run: %s\n", started.err().message.c_str());
    return kExitUsage;
  }
  std::unique_ptr<ProgressReporter> progress;
  if (!opts.quiet) {
    progress =
        std::make_unique<ProgressReporter>(live, stderr, ::isatty(2) == 1, progress_interval_us);
    progress->start();
  }

  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  std::unique_ptr<FileWatcher> watcher;
  if (args->has("--watch")) {
    watcher = std::make_unique<FileWatcher>(args->positional[0], loaded.file.text, reload_service);
  }
  auto result = engine::run(loaded.file, operators::registry(), opts);
  watcher.reset();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (progress) progress->stop();
  listeners.stop();
  if (!opts.quiet) print_run_summary(result, stderr);
  return result.exit_code;
}

}  // namespace sluice::runtime
