#include "engine/actors/supervisor_actor.h"

#include <chrono>

#include "base/logger.h"
#include "base/secrets.h"
#include "engine/actors/checkpoint_store.h"
#include "engine/actors/clock.h"
#include "engine/actors/messages.h"
#include "engine/actors/reload_ticket.h"
#include "engine/actors/stage_diff.h"

namespace sluice::engine {
namespace {

const ast::Stage* stage_named(const ast::Pipeline& p, const std::string& name) {
  for (const auto& st : p.stages) {
    if (st.name == name) return &st;
  }
  return nullptr;
}

}  // namespace

SupervisorActor::SupervisorActor(caf::actor_config& cfg, SupervisorSetup setup)
    : TsanVisible<caf::event_based_actor>(cfg), setup_(std::move(setup)) {}

caf::behavior SupervisorActor::make_behavior() {
  set_down_handler([this](caf::down_msg& dm) { on_down(dm); });
  start_graph();
  return {
      [this](fail_atom, std::string& reason, bool permanent) {
        if (fail_reason_.empty() || permanent) {
          fail_reason_ = std::move(reason);
          fail_permanent_ = fail_permanent_ || permanent;
        }
      },
      [this](progress_atom, uint64_t id) {
        failures_ = 0;
        std::lock_guard<std::mutex> lock(setup_.status->mu);
        setup_.status->last_checkpoint = id;
        setup_.status->last_checkpoint_at = wall_clock_us();
      },
      [this](done_atom, uint64_t id) {
        if (!setup_.quiet) {
          log::info("engine",
                    setup_.pipeline->name + ": completed (checkpoint " + std::to_string(id) + ")");
        }
        {
          std::lock_guard<std::mutex> lock(setup_.status->mu);
          setup_.status->last_checkpoint = id;
        }
        finish(false, "");
      },
      [this](stop_atom) {
        stop_requested_ = true;
        if (running_) {
          send(graph_.coordinator, stop_atom::value);
        } else if (!done_) {
          finish(false, "");  // waiting to restart: just stop
        }
      },
      [this](reload_atom, std::shared_ptr<ReloadTicket>& t) { on_reload(std::move(t)); },
      [this](quiesced_atom, uint64_t id, bool ok) { on_quiesced(id, ok); },
      [this](busy_atom, uint64_t gen) {
        if (gen != generation_ || done_ || running_) return;
        setup_.activity->fetch_add(1, std::memory_order_relaxed);
        delayed_send(this, std::chrono::milliseconds(100), busy_atom::value, gen);
      },
      [this](restart_atom, uint64_t gen) {
        if (gen != generation_ || done_) return;
        restart_due_ = true;
        if (dying_.empty()) start_graph();
      },
  };
}

void SupervisorActor::on_exit() {
  if (reload_) reload_failed("the pipeline stopped during the reload");
  std::lock_guard<std::mutex> lock(setup_.status->mu);
  if (!done_) {
    setup_.status->failed = true;
    setup_.status->reason = "pipeline '" + setup_.pipeline->name + "': supervisor stopped";
  }
  setup_.status->finished = true;
  graph_ = SpawnedGraph{};  // drop the handles of the actors it spawned
}

void SupervisorActor::start_graph() {
  {
    std::lock_guard<std::mutex> lock(setup_.status->mu);
    setup_.status->restarting = false;
  }
  restart_due_ = false;
  fail_reason_.clear();
  fail_permanent_ = false;
  ++generation_;
  CheckpointStore store(setup_.settings.state_dir);
  auto last = store.load();
  if (!last.ok()) {
    finish(true, "pipeline '" + setup_.pipeline->name + "': " + last.err().message);
    return;
  }
  Checkpoint from = last->has_value() ? **last : Checkpoint{};
  GraphBuilder builder(*setup_.pipeline, *setup_.registry, setup_.settings);
  auto r = builder.plan(from, setup_.counters, setup_.activity);
  if (!r.ok()) {
    finish(true, r.err().message);
    return;
  }
  if (!setup_.quiet) {
    log::info("engine", setup_.pipeline->name + ": starting" +
                            (from.id ? " from checkpoint " + std::to_string(from.id) : ""));
  }
  graph_ = builder.spawn(this);
  layouts_ = builder.layouts();
  alive_.clear();
  monitor(graph_.coordinator);
  alive_.insert(graph_.coordinator.address());
  for (auto& a : graph_.actors) {
    monitor(a);
    alive_.insert(a.address());
  }
  running_ = true;
  if (stop_requested_) send(graph_.coordinator, stop_atom::value);
}

void SupervisorActor::stop_graph(caf::exit_reason why) {
  for (auto& a : graph_.actors) {
    if (alive_.count(a.address())) send_exit(a, why);
  }
  if (alive_.count(graph_.coordinator.address())) send_exit(graph_.coordinator, why);
  for (const auto& a : alive_) dying_.insert(a);
  alive_.clear();
  running_ = false;
}

void SupervisorActor::on_down(const caf::down_msg& dm) {
  if (reload_dying_.erase(dm.source) > 0) {
    if (reload_dying_.empty() && reload_swapping_) swap_in();
    return;
  }
  if (dying_.erase(dm.source) > 0) {
    if (dying_.empty() && restart_due_ && !done_) start_graph();
    if (dying_.empty() && done_) quit();
    return;
  }
  if (alive_.erase(dm.source) == 0) return;
  if (done_) return;
  std::string stage;
  if (auto it = graph_.stage_of.find(dm.source); it != graph_.stage_of.end()) stage = it->second;
  std::string reason = fail_reason_;
  if (reason.empty()) {
    reason = "actor of stage '" + (stage.empty() ? std::string("coordinator") : stage) +
             "' stopped: " + caf::to_string(dm.reason);
  }
  const bool permanent = fail_permanent_;
  if (reload_) {
    reload_failed("an actor failed during the reload: " + reason);
    for (const auto& a : reload_dying_) dying_.insert(a);  // restart waits for them too
    reload_dying_.clear();
  }
  stop_graph(caf::exit_reason::kill);
  ++failures_;
  if (!stage.empty()) {
    if (auto it = setup_.counters.find(stage); it != setup_.counters.end()) {
      it->second->restarts.fetch_add(1, std::memory_order_relaxed);
    }
  }
  const std::string name = setup_.pipeline->name;
  if (permanent) {
    finish(true, "pipeline '" + name + "': " + reason);
    return;
  }
  if (stop_requested_) {
    finish(true, "pipeline '" + name + "' failed while stopping: " + reason);
    return;
  }
  if (failures_ > setup_.settings.restart_attempts) {
    finish(true, "pipeline '" + name + "' failed " + std::to_string(failures_) +
                     " times in a row (restart_attempts = " +
                     std::to_string(setup_.settings.restart_attempts) + "); last error: " + reason);
    return;
  }
  const int64_t delay = setup_.settings.restart_backoff.delay_us(failures_);
  log::warn("engine", name + ": " + reason + "; restarting from the last checkpoint in " +
                          std::to_string(delay / 1000) + "ms (attempt " +
                          std::to_string(failures_) + ")");
  {
    std::lock_guard<std::mutex> lock(setup_.status->mu);
    ++setup_.status->restarts;
    setup_.status->restarting = true;
    setup_.status->last_error = secrets::redact(reason);
  }
  delayed_send(this, std::chrono::microseconds(delay), restart_atom::value, generation_);
  if (setup_.activity) send(this, busy_atom::value, generation_);
}

void SupervisorActor::finish(bool failed, const std::string& reason) {
  if (done_) return;
  done_ = true;
  if (reload_) {
    reload_failed("the pipeline ended during the reload");
    for (const auto& a : reload_dying_) dying_.insert(a);
    reload_dying_.clear();
  }
  if (running_) stop_graph(failed ? caf::exit_reason::kill : caf::exit_reason::user_shutdown);
  if (failed) log::error("engine", secrets::redact(reason));
  {
    std::lock_guard<std::mutex> lock(setup_.status->mu);
    setup_.status->failed = failed;
    setup_.status->reason = secrets::redact(reason);
  }
  if (dying_.empty()) quit();
}

void SupervisorActor::reload_failed(const std::string& why) {
  PipelineReload pr;
  pr.pipeline = setup_.pipeline->name;
  pr.action = "failed";
  pr.error = secrets::redact(why);
  if (reload_) reload_->complete(std::move(pr));
  reload_.reset();
  reload_builder_.reset();
  reload_kept_.clear();
  reload_swapping_ = false;
}

void SupervisorActor::on_reload(std::shared_ptr<ReloadTicket> t) {
  const std::string name = setup_.pipeline->name;
  auto refuse = [&](const std::string& why) {
    PipelineReload pr;
    pr.pipeline = name;
    pr.action = "failed";
    pr.error = why;
    t->complete(std::move(pr));
  };
  if (!t || t->pipeline == nullptr) return;
  if (reload_) return refuse("another reload of pipeline '" + name + "' is in progress");
  if (done_ || stop_requested_) return refuse("pipeline '" + name + "' is stopping");
  if (!running_) {
    return refuse("pipeline '" + name + "' is restarting after a failure; retry the reload");
  }
  auto settings = ConfigBuilder::settings(*t->pipeline, setup_.state_dir_override);
  if (!settings.ok()) return refuse(secrets::redact(settings.err().message));
  settings->epoch = setup_.settings.epoch;
  // Nothing changed: no barrier, no pause.
  bool same = same_settings(*setup_.pipeline, *t->pipeline) &&
              setup_.pipeline->stages.size() == t->pipeline->stages.size();
  for (const auto& st : t->pipeline->stages) {
    if (!same) break;
    const ast::Stage* old = stage_named(*setup_.pipeline, st.name);
    same = old != nullptr && same_stage(*old, st);
  }
  if (same) {
    PipelineReload pr;
    pr.pipeline = name;
    pr.action = "unchanged";
    pr.ok = true;
    for (const auto& st : t->pipeline->stages) pr.kept.push_back(st.name);
    setup_.pipeline = t->pipeline;  // the same definition; the ticket's file keeps it alive
    t->complete(std::move(pr));
    return;
  }
  reload_ = std::move(t);
  reload_settings_ = std::move(settings).value();
  reload_started_ = monotonic_us();
  if (!setup_.quiet) log::info("engine", name + ": reload: taking a barrier");
  send(graph_.coordinator, quiesce_atom::value);
}

void SupervisorActor::on_quiesced(uint64_t id, bool ok) {
  if (!reload_) {
    if (ok && running_) send(graph_.coordinator, resume_atom::value);
    return;
  }
  if (!ok) {
    reload_failed("pipeline '" + setup_.pipeline->name +
                  "' is ending (a bounded source is done, or stop was requested); not reloaded");
    return;
  }
  reload_checkpoint_ = id;
  auto abandon = [&](const std::string& why) {
    send(graph_.coordinator, resume_atom::value);
    reload_failed(why);
  };
  CheckpointStore store(setup_.settings.state_dir);
  auto last = store.load();
  if (!last.ok()) return abandon(last.err().message);
  if (!last->has_value() || (**last).id != id) {
    return abandon("checkpoint " + std::to_string(id) + " is not the last one in " +
                   setup_.settings.state_dir);
  }
  const Checkpoint cp = **last;
  const ast::Pipeline& oldp = *setup_.pipeline;
  const ast::Pipeline& newp = *reload_->pipeline;
  const bool same_set = same_settings(oldp, newp);
  KeepFn keep = [&](const std::string& stage, const std::string& layout) {
    if (!same_set) return false;
    auto lit = layouts_.find(stage);
    auto git = graph_.by_stage.find(stage);
    const ast::Stage* a = stage_named(oldp, stage);
    const ast::Stage* b = stage_named(newp, stage);
    return lit != layouts_.end() && lit->second == layout && git != graph_.by_stage.end() &&
           a != nullptr && b != nullptr && same_stage(*a, *b);
  };
  reload_builder_ = std::make_unique<GraphBuilder>(newp, *setup_.registry, reload_settings_);
  auto planned = reload_builder_->plan(cp, reload_->counters, setup_.activity, keep);
  if (!planned.ok()) return abandon(planned.err().message);
  // Stop the replaced and removed actors (quiescent: their writes are durable in checkpoint
  // N) and the old coordinator; spawn the new ones once they are gone (their operators closed).
  reload_kept_.clear();
  for (const auto& k : reload_builder_->kept()) reload_kept_[k] = graph_.by_stage[k];
  for (const auto& [stage, actors] : graph_.by_stage) {
    if (reload_kept_.count(stage)) continue;
    for (const auto& a : actors) {
      if (alive_.erase(a.address()) == 0) continue;
      reload_dying_.insert(a.address());
      send_exit(a, caf::exit_reason::user_shutdown);
    }
  }
  if (alive_.erase(graph_.coordinator.address()) > 0) {
    reload_dying_.insert(graph_.coordinator.address());
    send_exit(graph_.coordinator, caf::exit_reason::user_shutdown);
  }
  reload_swapping_ = true;
  if (reload_dying_.empty()) swap_in();
}

void SupervisorActor::swap_in() {
  reload_swapping_ = false;
  std::set<caf::actor_addr> kept_addrs;
  for (const auto& [stage, actors] : reload_kept_) {
    for (const auto& a : actors) kept_addrs.insert(a.address());
  }
  SpawnedGraph g = reload_builder_->spawn(this, reload_kept_);
  monitor(g.coordinator);
  alive_.insert(g.coordinator.address());
  for (const auto& a : g.actors) {
    if (kept_addrs.count(a.address())) continue;
    monitor(a);
    alive_.insert(a.address());
  }
  PipelineReload pr;
  pr.pipeline = setup_.pipeline->name;
  pr.action = "reloaded";
  pr.ok = true;
  pr.checkpoint = reload_checkpoint_;
  const auto new_layouts = reload_builder_->layouts();
  for (const auto& st : reload_->pipeline->stages) {
    if (reload_kept_.count(st.name)) {
      pr.kept.push_back(st.name);
    } else if (layouts_.count(st.name)) {
      pr.replaced.push_back(st.name);
    } else {
      pr.added.push_back(st.name);
    }
  }
  for (const auto& st : setup_.pipeline->stages) {
    if (!new_layouts.count(st.name)) pr.removed.push_back(st.name);
  }
  layouts_ = new_layouts;
  graph_ = std::move(g);
  setup_.pipeline = reload_->pipeline;
  setup_.settings = reload_settings_;
  setup_.counters = reload_->counters;
  if (stop_requested_) send(graph_.coordinator, stop_atom::value);
  pr.pause_us = monotonic_us() - reload_started_;
  if (!setup_.quiet) {
    log::info("engine", pr.pipeline + ": reloaded at checkpoint " +
                            std::to_string(reload_checkpoint_) + " (pause " +
                            std::to_string(pr.pause_us / 1000) + " ms)");
  }
  reload_->complete(std::move(pr));
  reload_.reset();
  reload_builder_.reset();
  reload_kept_.clear();
}

}  // namespace sluice::engine
