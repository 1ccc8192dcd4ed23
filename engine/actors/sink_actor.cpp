#include "engine/actors/sink_actor.h"

#include <chrono>

#include "base/logger.h"
#include "base/secrets.h"
#include "engine/actors/messages.h"
#include "engine/actors/operator_guard.h"
#include "engine/core/errc.h"

namespace sluice::engine {

SinkActor::SinkActor(caf::actor_config& cfg, ActorSetup setup, std::shared_ptr<Sink> op)
    : OperatorActor(cfg, std::move(setup), std::move(op)) {
  notify_idle_ = true;
}

void SinkActor::on_exit() {
  OperatorGuard::close(op_, "sink '" + setup_.cfg.name + "'");
  StageActor::on_exit();
}

bool SinkActor::on_data(int channel, BatchPtr& batch) {
  kept_records_ = static_cast<int64_t>(batch->events.size());  // the input's credit
  drop_schema_events(batch->events);
  // A sink's tap shows the records it receives to write.
  if (setup_.counters->tap.attached()) setup_.counters->tap.offer(batch->events);
  kept_ = std::move(batch);
  kept_channel_ = channel;
  attempts_ = 0;
  return attempt();
}

void SinkActor::on_retry() {
  waiting_ = false;
  if (failed_ || !kept_) return;
  setup_.counters->retries.fetch_add(1, std::memory_order_relaxed);
  if (attempt()) resume_channel(kept_channel_, kept_records_);
}

bool SinkActor::attempt() {
  ++attempts_;
  const size_t n = kept_->events.size();
  auto r = op_->write(kept_->events, dead_buf_);
  setup_.counters->retrying.store(false, std::memory_order_relaxed);
  if (r.ok()) {
    setup_.counters->out.fetch_add(n - dead_buf_.size(), std::memory_order_relaxed);
    setup_.activity->fetch_add(static_cast<int64_t>(n), std::memory_order_relaxed);
    kept_.reset();
    route_dead(dead_buf_, {}, errc::write_failed, "", 0);
    dead_buf_.clear();
    return true;
  }
  const error& e = r.err();
  setup_.counters->errors.fetch_add(1, std::memory_order_relaxed);
  dead_buf_.clear();
  const std::string msg = secrets::redact(e.message);
  if (e.kind == failure_kind::transient && attempts_ < setup_.opts.retry_attempts) {
    const int64_t delay = setup_.opts.retry_backoff.delay_us(attempts_);
    log::warn("engine", setup_.cfg.pipeline + ": stage '" + setup_.cfg.name + "' write failed (" +
                            msg + "), retry " + std::to_string(attempts_) + " in " +
                            std::to_string(delay / 1000) + "ms");
    waiting_ = true;
    setup_.counters->retrying.store(true, std::memory_order_relaxed);
    delayed_send(this, std::chrono::microseconds(delay), retry_atom::value);
    return false;
  }
  if (e.kind == failure_kind::fatal) {
    fail("stage '" + setup_.cfg.name + "': " + msg, false);
    return false;
  }
  const bool exhausted = e.kind == failure_kind::transient;
  if (!dead_.connected() && setup_.opts.on_error != OnError::Skip) {
    if (exhausted) {
      fail("stage '" + setup_.cfg.name + "': write failed after " + std::to_string(attempts_) +
               " attempts: " + msg,
           false);
      return false;
    }
  }
  std::vector<Event> all = std::move(kept_->events);
  kept_.reset();
  const error_code code = exhausted ? error_code(errc::retries_exhausted)
                          : e.code  ? e.code
                                    : error_code(errc::write_failed);
  route_dead(all, code, {}, msg, attempts_);
  return !failed_;
}

void SinkActor::on_idle() {
  if (!op_ || kept_) return;  // a kept batch is retried first
  dead_buf_.clear();
  auto r = op_->idle(dead_buf_);
  if (r.ok()) {
    route_dead(dead_buf_, {}, errc::write_failed, "", 0);
    dead_buf_.clear();
    return;
  }
  dead_buf_.clear();
  setup_.counters->errors.fetch_add(1, std::memory_order_relaxed);
  const std::string msg = secrets::redact(r.err().message);
  if (r.err().kind == failure_kind::fatal) {
    fail("stage '" + setup_.cfg.name + "': " + msg, false);
    return;
  }
  // The sink keeps what it buffered; the next write or checkpoint tries again (with retries).
  log::warn("engine", setup_.cfg.pipeline + ": stage '" + setup_.cfg.name +
                          "' early flush failed (" + msg + "); the next write tries again");
}

void SinkActor::on_committed(uint64_t id) {
  if (!op_ || failed_) return;
  try {
    op_->checkpoint_committed(id);
  } catch (const std::exception& e) {
    log::warn("engine", "sink '" + setup_.cfg.name + "': checkpoint_committed: " + e.what());
  }
}

result<std::string> SinkActor::snapshot(uint64_t barrier) {
  auto st = op_->checkpoint(barrier);
  if (!st.ok()) return st;
  // Dead letters of the checkpoint's flush go out before the barrier (same checkpoint).
  dead_buf_.clear();
  op_->take_dead(dead_buf_);
  route_dead(dead_buf_, {}, errc::write_failed, "", 0);
  dead_buf_.clear();
  if (failed_)
    return error::fatal(errc::stage_failed,
                        "stage '" + setup_.cfg.name + "' failed on a dead letter");
  return st;
}

}  // namespace sluice::engine
