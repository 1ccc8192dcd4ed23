#include "engine/runtime/runner.h"

#include <atomic>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>
#include <chrono>
#include <memory>
#include <thread>

#include "engine/common/logger.h"
#include "engine/runtime/config_builder.h"
#include "engine/runtime/messages.h"
#include "engine/runtime/pipeline_status.h"
#include "engine/runtime/rate_limiter.h"
#include "engine/runtime/supervisor_actor.h"

namespace sluice::engine {
namespace {

std::atomic<bool> g_stop{false};

struct Running {
  const ast::Pipeline* pipeline = nullptr;
  std::map<std::string, std::shared_ptr<StageCounters>> counters;
  std::shared_ptr<PipelineStatus> status;
  caf::actor supervisor;
};

}  // namespace

void request_stop() { g_stop.store(true, std::memory_order_relaxed); }

RunResult run(const ast::File& file, const OperatorRegistry& reg, const RunOptions& opts) {
  g_stop.store(false);
  RunResult res;
  caf::actor_system_config cfg;
  int threads = opts.threads;
  if (threads <= 0) threads = std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
  cfg.set("scheduler.max-threads", static_cast<size_t>(threads));
  auto activity = std::make_shared<std::atomic<int64_t>>(0);
  std::vector<Running> running;
  {
    caf::actor_system sys{cfg};
    for (const auto& p : file.pipelines) {
      Running r;
      r.pipeline = &p;
      r.status = std::make_shared<PipelineStatus>();
      for (const auto& st : p.stages) r.counters[st.name] = std::make_shared<StageCounters>();
      auto settings = ConfigBuilder::settings(p, opts.state_dir);
      if (!settings.ok()) {
        r.status->finished = true;
        r.status->failed = true;
        r.status->reason = settings.err().message;
        running.push_back(std::move(r));
        continue;
      }
      SupervisorSetup ss;
      ss.pipeline = &p;
      ss.registry = &reg;
      ss.settings = std::move(settings).value();
      ss.counters = r.counters;
      ss.activity = activity;
      ss.status = r.status;
      ss.quiet = opts.quiet;
      r.supervisor = sys.spawn<SupervisorActor>(std::move(ss));
      running.push_back(std::move(r));
    }
    bool stop_sent = false;
    int64_t last_activity = activity->load();
    int64_t last_change = monotonic_us();
    while (true) {
      bool all_done = true;
      for (auto& r : running) {
        std::lock_guard<std::mutex> lock(r.status->mu);
        all_done = all_done && r.status->finished;
      }
      if (all_done) break;
      const int64_t now = monotonic_us();
      const int64_t act = activity->load(std::memory_order_relaxed);
      if (act != last_activity) {
        last_activity = act;
        last_change = now;
      }
      bool stop = g_stop.load(std::memory_order_relaxed);
      if (!stop && opts.exit_when_idle_us >= 0 && now - last_change >= opts.exit_when_idle_us) {
        if (!opts.quiet) log::info("engine", "idle: stopping");
        stop = true;
      }
      if (stop && !stop_sent) {
        stop_sent = true;
        for (auto& r : running) {
          if (r.supervisor) caf::anon_send(r.supervisor, stop_atom::value);
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }  // the actor system waits for every actor here
  for (auto& r : running) {
    for (const auto& st : r.pipeline->stages) {
      const auto& c = *r.counters[st.name];
      StageStats s;
      s.pipeline = r.pipeline->name;
      s.stage = st.name;
      s.in = c.in.load();
      s.out = c.out.load();
      s.dead = c.dead.load();
      s.retries = c.retries.load();
      s.restarts = c.restarts.load();
      res.stats.push_back(std::move(s));
    }
    std::lock_guard<std::mutex> lock(r.status->mu);
    if (r.status->failed) res.failures.push_back(r.status->reason);
  }
  res.exit_code = res.failures.empty() ? 0 : 3;
  return res;
}

}  // namespace sluice::engine
