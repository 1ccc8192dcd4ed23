#include "cluster/worker.h"

#include <sys/prctl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <fstream>
#include <mutex>
#include <thread>

#include "base/logger.h"
#include "cluster/errc.h"
#include "cluster/pg_checkpoint_backend.h"
#include "cluster/pg_state_files.h"
#include "dsl/loader.h"
#include "engine/actors/live_registry.h"
#include "engine/actors/reloader.h"
#include "engine/actors/runner.h"
#include "operators/registry.h"

namespace sluice::cluster {
namespace {

std::atomic<bool> g_stop_signalled{false};
std::atomic<bool> g_reload_wanted{false};
extern "C" void on_worker_stop(int) {
  g_stop_signalled.store(true);
  engine::request_stop();
}
extern "C" void on_worker_reload(int) { g_reload_wanted.store(true); }

// The pipeline `name` of a checked file, alone in its file.
result<std::shared_ptr<ast::File>> load_one(const std::string& path, const std::string& name) {
  auto loaded = dsl::load_file(path, operators::registry().specs());
  if (!loaded.ok()) return error::permanent(errc::assignment, dsl::format(loaded));
  auto file = std::make_shared<ast::File>(std::move(loaded.file));
  std::vector<ast::Pipeline> keep;
  for (auto& p : file->pipelines) {
    if (p.name == name) keep.push_back(std::move(p));
  }
  if (keep.empty())
    return error::permanent(errc::assignment, "the deployed file has no pipeline '" + name + "'");
  file->pipelines = std::move(keep);
  return file;
}

// Reads "VERSION\nPATH\n".
bool read_control(const std::string& path, int64_t& version, std::string& file) {
  std::ifstream in(path);
  std::string v;
  if (!std::getline(in, v) || !std::getline(in, file)) return false;
  version = std::atoll(v.c_str());
  return version > 0 && !file.empty();
}

StatusRow sample(const WorkerOptions& o, const engine::LiveRegistry& live, int64_t version) {
  StatusRow s;
  s.pipeline = o.instance.empty() ? o.pipeline : o.instance;
  s.node = o.node;
  s.version = version;
  s.state = "starting";
  auto p = live.find(o.pipeline);
  if (!p) return s;
  auto st = engine::LiveRegistry::state_of(*p);
  s.state = st.state;
  s.reason = st.reason;
  s.last_checkpoint = static_cast<int64_t>(st.last_checkpoint);
  int64_t lag_us = 0;
  for (const auto& stage : p->stages) {
    const auto& c = *stage.counters;
    s.errors += static_cast<int64_t>(c.errors.load());
    if (stage.type == "source") {
      s.records_read += static_cast<int64_t>(c.out.load());
      lag_us = std::max<int64_t>(lag_us, c.lag_us.load());
    } else if (stage.type == "sink") {
      s.records_written += static_cast<int64_t>(c.in.load() - c.dead.load());
    }
  }
  s.lag_seconds = static_cast<double>(lag_us) / 1e6;
  return s;
}

// A hot reload the node asked for (SIGHUP; the control file names the version and the file).
// false when it failed: the worker then drains to a checkpoint and restarts with it.
bool hot_reload(const WorkerOptions& o, engine::Reloader& reloader, const std::string& label,
                std::atomic<int64_t>& version) {
  int64_t v = 0;
  std::string path;
  bool ok = false;
  std::string why = "cannot read " + o.control;
  if (read_control(o.control, v, path)) {
    auto next = load_one(path, o.pipeline);
    if (next.ok()) {
      auto rep = reloader.reload(std::shared_ptr<const ast::File>(*next), o.pipeline);
      ok = rep.ok;
      why = rep.error;
      for (const auto& p : rep.pipelines) {
        if (!p.error.empty()) why += (why.empty() ? "" : "; ") + p.error;
        if (p.ok) {
          log::info("cluster", label + ": hot reload to version " + std::to_string(v) + ": " +
                                   p.action + " at checkpoint " + std::to_string(p.checkpoint) +
                                   ", paused " + std::to_string(p.pause_us / 1000) + " ms");
        }
      }
    } else {
      why = next.err().message;
    }
  }
  if (ok) {
    version.store(v);
    return true;
  }
  log::warn("cluster", label + ": hot reload to version " + std::to_string(v) + " failed (" + why +
                           "): draining to a checkpoint to restart with it");
  return false;
}

// The worker's last state in `last` and its exit code.
int end_state(const engine::RunResult& result, bool reload_by_restart, StatusRow& last) {
  int code = result.exit_code;
  if (code != 0) {
    last.state = "failed";
    if (!result.failures.empty()) last.reason = result.failures.front();
  } else if (reload_by_restart) {
    last.state = "reloading";
    code = kExitReload;
  } else {
    last.state = g_stop_signalled.load() ? "stopped" : "completed";
  }
  return code;
}

}  // namespace

int run_worker(const WorkerOptions& o) {
  // First: a SIGHUP must never kill a worker that is still starting.
  std::signal(SIGHUP, on_worker_reload);
  std::signal(SIGINT, on_worker_stop);
  std::signal(SIGTERM, on_worker_stop);
  StateStore status(o.state_url);
  StatusRow row;
  row.pipeline = o.instance.empty() ? o.pipeline : o.instance;
  row.node = o.node;
  row.version = o.version;
  auto first = load_one(o.file, o.pipeline);
  if (!first.ok()) {
    std::fputs(first.err().message.c_str(), stderr);
    row.state = "failed";
    row.reason = "invalid pipeline file";
    (void)status.report(row);
    return 1;
  }
  engine::CheckpointStore::set_backend(
      std::make_shared<PgCheckpointBackend>(o.state_url, o.node, o.epoch, row.pipeline));
  // Aggregate and join state checkpoints go to the state store too: the next owner restores them.
  operators::state::StateFiles::install(std::make_shared<PgStateFiles>(o.state_url, row.pipeline));

  engine::RunOptions opts;
  opts.state_dir = o.state_dir;  // <state_dir>/<pipeline>
  opts.epoch = o.epoch;          // fences the sinks' writes into their targets
  opts.quiet = false;
  auto live = std::make_shared<engine::LiveRegistry>();
  opts.live = live;
  auto reloader = std::make_shared<engine::Reloader>();
  opts.reloader = reloader;

  std::atomic<int64_t> version{o.version};
  std::atomic<bool> reload_by_restart{false};
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  // Reports the status every second; serves hot reloads asked by the node (SIGHUP).
  std::thread reporter([&] {
    std::unique_lock<std::mutex> lock(mu);
    auto next_report = std::chrono::steady_clock::now();
    while (!done) {
      lock.unlock();
      if (g_reload_wanted.exchange(false) && !reload_by_restart.load() &&
          !hot_reload(o, *reloader, row.pipeline, version)) {
        reload_by_restart.store(true);
        engine::request_stop();
      }
      if (std::chrono::steady_clock::now() >= next_report) {
        (void)status.report(sample(o, *live, version.load()));
        next_report = std::chrono::steady_clock::now() + std::chrono::seconds(1);
      }
      lock.lock();
      cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return done; });
    }
  });

  log::info("cluster", row.pipeline + " v" + std::to_string(o.version) + " starting on " + o.node +
                           " (epoch " + std::to_string(o.epoch) + ")");
  auto result = engine::run(**first, operators::registry(), opts);
  {
    std::lock_guard<std::mutex> lock(mu);
    done = true;
  }
  cv.notify_all();
  reporter.join();
  StatusRow last = sample(o, *live, version.load());
  const int code = end_state(result, reload_by_restart.load(), last);
  (void)status.report(last);
  engine::CheckpointStore::set_backend(nullptr);
  operators::state::StateFiles::install(nullptr);
  return code;
}

}  // namespace sluice::cluster
