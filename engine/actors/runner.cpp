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
#include "engine/actors/clock.h"
#include "engine/actors/config_builder.h"
#include "engine/actors/live_registry.h"
#include "engine/actors/messages.h"
#include "engine/actors/pipeline_status.h"
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
    ls.type = ast::stage_label(st);
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

// What a run keeps until the actor system is gone: the pipelines (their definitions may come
// from reloaded files, which must outlive every actor) and the reloads waiting for an answer.
struct RunState {
  std::vector<Running> running;
  std::vector<std::shared_ptr<const ast::File>> reloaded;
  std::vector<PendingTicket> tickets;
};

caf::actor_system_config scheduler_config(const RunOptions& opts) {
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
  const char* env = std::getenv("SLUICE_SCHEDULER");
  const std::string policy = env != nullptr && *env != 0 ? env : "sharing";
  cfg.set("scheduler.policy", caf::atom_from_string(policy));
  return cfg;
}

// The pipelines of one run on one actor system: started, reloaded, stopped when asked or
// when idle, until every one has finished and every reload is answered.
class RunLoop {
 public:
  RunLoop(caf::actor_system& sys, const OperatorRegistry& reg, const RunOptions& opts, RunState& st)
      : sys_(sys), reg_(reg), opts_(opts), st_(st) {}

  void start_all(const ast::File& file) {
    for (const auto& p : file.pipelines) {
      Running r;
      start(p, r);
      st_.running.push_back(std::move(r));
    }
  }

  void loop() {
    last_activity_ = activity_->load();
    last_change_ = monotonic_us();
    while (true) {
      take_reloads();
      settle();
      if (all_done()) break;
      const int64_t now = monotonic_us();
      track_activity(now);
      stop_if_asked_or_idle(now);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

 private:
  static void fail_start(Running& r, const std::string& reason) {
    r.status->finished = true;
    r.status->failed = true;
    r.status->reason = reason;
  }

  void start(const ast::Pipeline& p, Running& r) {
    r.pipeline = &p;
    r.status = std::make_shared<PipelineStatus>();
    r.status->started_at = wall_clock_us();
    for (const auto& st : p.stages) {
      if (!r.counters.count(st.name)) r.counters[st.name] = std::make_shared<StageCounters>();
    }
    if (opts_.live) opts_.live->add(describe(p, r.counters, r.status));
    auto settings = ConfigBuilder::settings(p, opts_.state_dir);
    if (!settings.ok()) return fail_start(r, settings.err().message);
    if (opts_.lock_state_dirs) {
      auto lock = StateDirLock::acquire(settings->state_dir);
      if (!lock.ok()) return fail_start(r, lock.err().message);
      r.lock = std::move(lock).value();
    }
    SupervisorSetup ss;
    ss.pipeline = &p;
    ss.registry = &reg_;
    ss.settings = std::move(settings).value();
    ss.settings.epoch = opts_.epoch;
    ss.counters = r.counters;
    ss.activity = activity_;
    ss.status = r.status;
    ss.quiet = opts_.quiet;
    ss.state_dir_override = opts_.state_dir;
    r.supervisor = sys_.spawn<SupervisorActor>(std::move(ss));
  }

  void take_reloads() {
    if (!opts_.reloader) return;
    while (auto req = opts_.reloader->take()) {
      dispatch(*req);
      opts_.reloader->dispatched(req);
    }
  }

  size_t index_of(const std::string& name) const {
    size_t idx = st_.running.size();
    for (size_t i = 0; i < st_.running.size(); ++i) {
      if (st_.running[i].pipeline->name == name) idx = i;
    }
    return idx;
  }

  // A reload request: existing pipelines get a ticket, new ones start, absent ones stop.
  void dispatch(Reloader::Request& req) {
    st_.reloaded.push_back(req.file);
    bool any = false;
    for (const auto& np : req.file->pipelines) {
      if (!req.only.empty() && np.name != req.only) continue;
      any = true;
      auto t = std::make_shared<ReloadTicket>();
      t->file = req.file;
      t->pipeline = &np;
      req.tickets.push_back(t);
      reload_one(np, t);
    }
    if (!req.only.empty() && !any) {
      req.error = "the file has no pipeline named '" + req.only + "'";
      return;
    }
    if (req.only.empty()) stop_removed(req);
  }

  // One pipeline of the new file: a running one gets the ticket; a finished one with the same
  // definition stays done; else it starts (again) with the new definition.
  void reload_one(const ast::Pipeline& np, const std::shared_ptr<ReloadTicket>& t) {
    const size_t idx = index_of(np.name);
    auto& running = st_.running;
    if (idx < running.size() && !finished(running[idx]) && !stop_sent_) {
      for (const auto& st : np.stages) {
        auto it = running[idx].counters.find(st.name);
        t->counters[st.name] =
            it != running[idx].counters.end() ? it->second : std::make_shared<StageCounters>();
      }
      caf::anon_send(running[idx].supervisor, reload_atom::value, t);
      st_.tickets.push_back(PendingTicket{idx, t});
      return;
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
        return;
      }
    }
    if (stop_sent_) {
      pr.action = "failed";
      pr.error = "the node is stopping";
      t->complete(std::move(pr));
      return;
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

  // Running pipelines the new file no longer has stop.
  void stop_removed(Reloader::Request& req) {
    for (auto& r : st_.running) {
      bool present = false;
      for (const auto& np : req.file->pipelines) present = present || np.name == r.pipeline->name;
      if (present || finished(r)) continue;
      if (!opts_.quiet) log::info("engine", r.pipeline->name + ": removed from the file: stopping");
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
  }

  // A finished reload: the runner's view (stats, live registry) follows the new definition.
  void settle() {
    auto& tickets = st_.tickets;
    for (size_t i = 0; i < tickets.size();) {
      auto& pt = tickets[i];
      if (!pt.ticket->done() && finished(st_.running[pt.running])) {
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
        Running& r = st_.running[pt.running];
        r.pipeline = pt.ticket->pipeline;
        for (const auto& [name, c] : pt.ticket->counters) r.counters[name] = c;
        if (opts_.live) opts_.live->add(describe(*r.pipeline, r.counters, r.status));
      }
      tickets.erase(tickets.begin() + static_cast<long>(i));
    }
  }

  bool all_done() const {
    bool done = st_.tickets.empty();
    for (const auto& r : st_.running) done = done && finished(r);
    return done;
  }

  // The last time anything moved; a source reconnecting or a write or poll retrying is not
  // idle either.
  void track_activity(int64_t now) {
    const int64_t act = activity_->load(std::memory_order_relaxed);
    if (act != last_activity_) {
      last_activity_ = act;
      last_change_ = now;
    }
    // Records moving through any stage count too: stages that hold the sources back (a slow
    // aggregate, a join) are busy, not idle, while the sources wait for credit.
    uint64_t moved = 0;
    for (const auto& r : st_.running) {
      for (const auto& [name, c] : r.counters) {
        if (!c) continue;
        moved += c->in.load(std::memory_order_relaxed) + c->out.load(std::memory_order_relaxed);
        if (c->unhealthy.load(std::memory_order_relaxed) ||
            c->retrying.load(std::memory_order_relaxed)) {
          last_change_ = now;
        }
      }
    }
    if (moved != last_moved_) {
      last_moved_ = moved;
      last_change_ = now;
    }
  }

  void stop_if_asked_or_idle(int64_t now) {
    bool stop = g_stop.load(std::memory_order_relaxed);
    if (!stop && opts_.exit_when_idle_us >= 0 && now - last_change_ >= opts_.exit_when_idle_us) {
      if (!opts_.quiet && !stop_sent_) log::info("engine", "idle: stopping");
      stop = true;
    }
    if (!stop || stop_sent_) return;
    stop_sent_ = true;
    for (auto& r : st_.running) {
      if (r.supervisor) caf::anon_send(r.supervisor, stop_atom::value);
    }
  }

  caf::actor_system& sys_;
  const OperatorRegistry& reg_;
  const RunOptions& opts_;
  RunState& st_;
  std::shared_ptr<std::atomic<int64_t>> activity_ = std::make_shared<std::atomic<int64_t>>(0);
  bool stop_sent_ = false;
  int64_t last_activity_ = 0;
  int64_t last_change_ = 0;
  uint64_t last_moved_ = 0;  // in + out of every stage at the last look
};

// Every stage's counters and every pipeline's failure, once the actors are gone.
RunResult collect(std::vector<Running>& running) {
  RunResult res;
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

}  // namespace

void request_stop() { g_stop.store(true, std::memory_order_relaxed); }

RunResult run(const ast::File& file, const OperatorRegistry& reg, const RunOptions& opts) {
  g_stop.store(false);
  RunState state;  // outlives the actor system
  {
    caf::actor_system_config cfg = scheduler_config(opts);  // the system keeps a reference
    caf::actor_system sys{cfg};
    RunLoop loop(sys, reg, opts, state);
    loop.start_all(file);
    if (opts.reloader) opts.reloader->attach();
    loop.loop();
    if (opts.reloader) opts.reloader->detach();
  }  // the actor system waits for every actor here
  return collect(state.running);
}

}  // namespace sluice::engine
