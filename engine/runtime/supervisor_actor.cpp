#include "engine/runtime/supervisor_actor.h"

#include <chrono>

#include "engine/common/logger.h"
#include "engine/common/secrets.h"
#include "engine/runtime/checkpoint_store.h"
#include "engine/runtime/messages.h"
#include "engine/runtime/rate_limiter.h"

namespace sluice::engine {

SupervisorActor::SupervisorActor(caf::actor_config& cfg, SupervisorSetup setup)
    : caf::event_based_actor(cfg), setup_(std::move(setup)) {}

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
          log::info("engine", setup_.pipeline->name + ": completed (checkpoint " +
                                  std::to_string(id) + ")");
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
      [this](restart_atom, uint64_t gen) {
        if (gen != generation_ || done_) return;
        restart_due_ = true;
        if (dying_.empty()) start_graph();
      },
  };
}

void SupervisorActor::on_exit() {
  std::lock_guard<std::mutex> lock(setup_.status->mu);
  if (!done_) {
    setup_.status->failed = true;
    setup_.status->reason = "pipeline '" + setup_.pipeline->name + "': supervisor stopped";
  }
  setup_.status->finished = true;
  graph_ = SpawnedGraph{};  // drop the handles of the actors it spawned
}

void SupervisorActor::start_graph() {
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
  }
  delayed_send(this, std::chrono::microseconds(delay), restart_atom::value, generation_);
}

void SupervisorActor::finish(bool failed, const std::string& reason) {
  if (done_) return;
  done_ = true;
  if (running_) stop_graph(failed ? caf::exit_reason::kill : caf::exit_reason::user_shutdown);
  if (failed) log::error("engine", secrets::redact(reason));
  {
    std::lock_guard<std::mutex> lock(setup_.status->mu);
    setup_.status->failed = failed;
    setup_.status->reason = secrets::redact(reason);
  }
  if (dying_.empty()) quit();
}

}  // namespace sluice::engine
