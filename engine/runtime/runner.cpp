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
#include "engine/runtime/live_registry.h"
#include "engine/runtime/messages.h"
#include "engine/runtime/pipeline_status.h"
#include "engine/runtime/rate_limiter.h"
#include "engine/runtime/supervisor_actor.h"

namespace sluice::engine {
namespace {

std::atomic<bool> g_stop{false};

// dead_letter = name (an identifier parses as a field path) or "name".
std::string dead_letter_of(const ast::Stage& s) {
  for (const auto& o : s.options) {
    if (o.name != "dead_letter" || !o.value) continue;
    const ast::Expr& e = *o.value;
    if (e.kind == ast::ExprKind::Field && e.path.size() == 1) return e.path[0];
    if (e.kind == ast::ExprKind::Literal && e.literal.type() == Type::String) {
      return e.literal.as_string();
    }
  }
  return {};
}

int64_t int_option(const ast::Stage& s, const char* name, int64_t def) {
  for (const auto& o : s.options) {
    if (o.name == name && o.value && o.value->kind == ast::ExprKind::Literal &&
        o.value->literal.type() == Type::Int) {
      return o.value->literal.as_int();
    }
  }
  return def;
}

LivePipeline describe(const ast::Pipeline& p,
                      const std::map<std::string, std::shared_ptr<StageCounters>>& counters,
                      std::shared_ptr<PipelineStatus> status) {
  LivePipeline lp;
  lp.name = p.name;
  lp.status = std::move(status);
  for (const auto& st : p.stages) {
    LiveStage ls;
    ls.name = st.name;
    ls.type = ast::stage_type_name(st.type);
    ls.kind = st.kind;
    for (const auto& f : st.from) ls.from.push_back(f.name);
    ls.dead_letter = dead_letter_of(st);
    ls.parallelism = static_cast<int>(int_option(st, "parallelism", 1));
    ls.buffer = int_option(st, "buffer", kDefaultBuffer);
    ls.counters = counters.at(st.name);
    lp.stages.push_back(std::move(ls));
  }
  return lp;
}

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
      r.status->started_at = wall_clock_us();
      for (const auto& st : p.stages) r.counters[st.name] = std::make_shared<StageCounters>();
      if (opts.live) opts.live->add(describe(p, r.counters, r.status));
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
      s.errors = c.errors.load();
      res.stats.push_back(std::move(s));
    }
    std::lock_guard<std::mutex> lock(r.status->mu);
    if (r.status->failed) res.failures.push_back(r.status->reason);
  }
  res.exit_code = res.failures.empty() ? 0 : 3;
  return res;
}

}  // namespace sluice::engine
