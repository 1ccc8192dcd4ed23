#include "engine/actors/runner.h"

#include <atomic>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <thread>

#include "base/logger.h"
#include "engine/actors/config_builder.h"
#include "engine/actors/live_registry.h"
#include "engine/actors/messages.h"
#include "engine/actors/pipeline_status.h"
#include "engine/actors/rate_limiter.h"
#include "engine/actors/reload_ticket.h"
#include "engine/actors/reloader.h"
#include "engine/actors/stage_diff.h"
#include "engine/actors/state_dir_lock.h"
#include "engine/actors/supervisor_actor.h"

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
    ls.parallelism =
        static_cast<int>(ast::literal_int(ast::find_option(st.options, "parallelism")).value_or(1));
    const ast::Option* batch = ast::find_option(st.options, "batch");
    const int64_t batch_rows =
        batch != nullptr ? ast::literal_int(ast::find_option(batch->block, "rows")).value_or(0) : 0;
    ls.buffer = ast::literal_int(ast::find_option(st.options, "buffer"))
                    .value_or(default_buffer(batch_rows));
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
  std::shared_ptr<StateDirLock> lock;  // lock_state_dirs
};

struct PendingTicket {
  size_t running = 0;  // index into the running pipelines
  std::shared_ptr<ReloadTicket> ticket;
};

bool finished(const Running& r) {
  std::lock_guard<std::mutex> lock(r.status->mu);
  return r.status->finished;
}

bool same_pipeline(const ast::Pipeline& a, const ast::Pipeline& b) {
  if (!same_settings(a, b) || a.stages.size() != b.stages.size()) return false;
  for (size_t i = 0; i < a.stages.size(); ++i) {
    if (!same_stage(a.stages[i], b.stages[i])) return false;
  }
  return true;
}

std::vector<std::string> stage_names(const ast::Pipeline& p) {
  std::vector<std::string> out;
  for (const auto& st : p.stages) out.push_back(st.name);
  return out;
}

}  // namespace

void request_stop() { g_stop.store(true, std::memory_order_relaxed); }

RunResult run(const ast::File& file, const OperatorRegistry& reg, const RunOptions& opts) {
  g_stop.store(false);
  RunResult res;
  caf::actor_system_config cfg;
  int threads = opts.threads;
  if (threads <= 0) threads = std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
  cfg.set("scheduler.max-threads", static_cast<size_t>(threads));
  // CAF 0.17 lets an actor handle an unbounded number of messages per turn: a source that
  // keeps itself busy (poll after poll) would hold its thread and starve the coordinator's
  // barriers and a reload. A bounded turn keeps the scheduler fair (a turn still moves
  // hundreds of batches, so the per-turn cost is negligible).
  cfg.set("scheduler.max-throughput", static_cast<size_t>(256));
  // Idle workers of CAF's default work-stealing scheduler poll with short sleeps: a drain of
  // 300,000 binlog changes into PostgreSQL spent ~36 % of the process's CPU samples waking up
  // from them (bench/profile_stream.sh). The sharing policy blocks idle workers on a condition
  // variable: 1.40 -> 0.84 CPU s for those changes, the same changes/s, the same or lower
  // commit-to-ODS latency (bench/latency_bench.sh). Messages are batches, so the shared queue
  // sees hundreds of messages a second, not millions. $SLUICE_SCHEDULER=stealing restores
  // the default (for comparisons).
  const char* policy = std::getenv("SLUICE_SCHEDULER");
  cfg.set("scheduler.policy",
          caf::atom_from_string(policy != nullptr && *policy != 0 ? policy : "sharing"));
  auto activity = std::make_shared<std::atomic<int64_t>>(0);
  std::vector<Running> running;
  std::vector<std::shared_ptr<const ast::File>> reloaded;  // outlive every actor
  std::vector<PendingTicket> tickets;
  {
    caf::actor_system sys{cfg};
    auto start = [&](const ast::Pipeline& p, Running& r) {
      r.pipeline = &p;
      r.status = std::make_shared<PipelineStatus>();
      r.status->started_at = wall_clock_us();
      for (const auto& st : p.stages) {
        if (!r.counters.count(st.name)) r.counters[st.name] = std::make_shared<StageCounters>();
      }
      if (opts.live) opts.live->add(describe(p, r.counters, r.status));
      auto settings = ConfigBuilder::settings(p, opts.state_dir);
      if (!settings.ok()) {
        r.status->finished = true;
        r.status->failed = true;
        r.status->reason = settings.err().message;
        return;
      }
      if (opts.lock_state_dirs) {
        auto lock = StateDirLock::acquire(settings->state_dir);
        if (!lock.ok()) {
          r.status->finished = true;
          r.status->failed = true;
          r.status->reason = lock.err().message;
          return;
        }
        r.lock = std::move(lock).value();
      }
      SupervisorSetup ss;
      ss.pipeline = &p;
      ss.registry = &reg;
      ss.settings = std::move(settings).value();
      ss.settings.epoch = opts.epoch;
      ss.counters = r.counters;
      ss.activity = activity;
      ss.status = r.status;
      ss.quiet = opts.quiet;
      ss.state_dir_override = opts.state_dir;
      r.supervisor = sys.spawn<SupervisorActor>(std::move(ss));
    };
    for (const auto& p : file.pipelines) {
      Running r;
      start(p, r);
      running.push_back(std::move(r));
    }
    if (opts.reloader) opts.reloader->attach();
    bool stop_sent = false;
    // A reload request: existing pipelines get a ticket, new ones start, absent ones stop.
    auto dispatch = [&](Reloader::Request& req) {
      reloaded.push_back(req.file);
      bool any = false;
      for (const auto& np : req.file->pipelines) {
        if (!req.only.empty() && np.name != req.only) continue;
        any = true;
        auto t = std::make_shared<ReloadTicket>();
        t->file = req.file;
        t->pipeline = &np;
        req.tickets.push_back(t);
        size_t idx = running.size();
        for (size_t i = 0; i < running.size(); ++i) {
          if (running[i].pipeline->name == np.name) idx = i;
        }
        if (idx < running.size() && !finished(running[idx]) && !stop_sent) {
          for (const auto& st : np.stages) {
            auto it = running[idx].counters.find(st.name);
            t->counters[st.name] =
                it != running[idx].counters.end() ? it->second : std::make_shared<StageCounters>();
          }
          caf::anon_send(running[idx].supervisor, reload_atom::value, t);
          tickets.push_back(PendingTicket{idx, t});
          continue;
        }
        PipelineReload pr;
        pr.pipeline = np.name;
        if (idx < running.size() && same_pipeline(*running[idx].pipeline, np)) {
          std::lock_guard<std::mutex> lock(running[idx].status->mu);
          if (!running[idx].status->failed) {  // completed, same definition: leave it done
            pr.action = "unchanged";
            pr.ok = true;
            for (const auto& st : np.stages) pr.kept.push_back(st.name);
            t->complete(std::move(pr));
            continue;
          }
        }
        if (stop_sent) {
          pr.action = "failed";
          pr.error = "the node is stopping";
          t->complete(std::move(pr));
          continue;
        }
        Running r;  // a new pipeline, or a finished one started again with the new definition
        if (idx < running.size()) r.counters = running[idx].counters;
        start(np, r);
        pr.action = "started";
        pr.ok = true;
        pr.added = stage_names(np);
        t->complete(std::move(pr));
        if (idx < running.size()) {
          running[idx] = std::move(r);
        } else {
          running.push_back(std::move(r));
        }
      }
      if (!req.only.empty() && !any) {
        req.error = "the file has no pipeline named '" + req.only + "'";
        return;
      }
      if (!req.only.empty()) return;
      for (auto& r : running) {
        bool present = false;
        for (const auto& np : req.file->pipelines) present = present || np.name == r.pipeline->name;
        if (present || finished(r)) continue;
        if (!opts.quiet) {
          log::info("engine", r.pipeline->name + ": removed from the file: stopping");
        }
        caf::anon_send(r.supervisor, stop_atom::value);
        auto t = std::make_shared<ReloadTicket>();
        t->file = req.file;
        PipelineReload pr;
        pr.pipeline = r.pipeline->name;
        pr.action = "stopped";
        pr.ok = true;
        pr.removed = stage_names(*r.pipeline);
        t->complete(std::move(pr));
        req.tickets.push_back(t);
      }
    };
    // A finished reload: the runner's view (stats, live registry) follows the new definition.
    auto settle = [&] {
      for (size_t i = 0; i < tickets.size();) {
        auto& pt = tickets[i];
        if (!pt.ticket->done() && finished(running[pt.running])) {
          PipelineReload pr;  // the supervisor ended before it took the request
          pr.pipeline = pt.ticket->pipeline->name;
          pr.action = "failed";
          pr.error = "pipeline '" + pr.pipeline + "' ended before the reload";
          pt.ticket->complete(std::move(pr));
        }
        if (!pt.ticket->done()) {
          ++i;
          continue;
        }
        auto result = pt.ticket->result();
        if (result.ok) {
          Running& r = running[pt.running];
          r.pipeline = pt.ticket->pipeline;
          for (const auto& [name, c] : pt.ticket->counters) r.counters[name] = c;
          if (opts.live) opts.live->add(describe(*r.pipeline, r.counters, r.status));
        }
        tickets.erase(tickets.begin() + static_cast<long>(i));
      }
    };
    int64_t last_activity = activity->load();
    int64_t last_change = monotonic_us();
    while (true) {
      if (opts.reloader) {
        while (auto req = opts.reloader->take()) {
          dispatch(*req);
          opts.reloader->dispatched(req);
        }
      }
      settle();
      bool all_done = tickets.empty();
      for (auto& r : running) all_done = all_done && finished(r);
      if (all_done) break;
      const int64_t now = monotonic_us();
      const int64_t act = activity->load(std::memory_order_relaxed);
      if (act != last_activity) {
        last_activity = act;
        last_change = now;
      }
      for (auto& r : running) {  // a source reconnecting, a write or poll retrying: not idle
        for (const auto& [name, c] : r.counters) {
          if (c && (c->unhealthy.load(std::memory_order_relaxed) ||
                    c->retrying.load(std::memory_order_relaxed))) {
            last_change = now;
          }
        }
      }
      bool stop = g_stop.load(std::memory_order_relaxed);
      if (!stop && opts.exit_when_idle_us >= 0 && now - last_change >= opts.exit_when_idle_us) {
        if (!opts.quiet && !stop_sent) log::info("engine", "idle: stopping");
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
    if (opts.reloader) opts.reloader->detach();
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
