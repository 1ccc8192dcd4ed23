#include "engine/actors/source_actor.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <limits>

#include "base/logger.h"
#include "base/secrets.h"
#include "engine/actors/clock.h"
#include "engine/actors/dead_letter_routing.h"
#include "engine/actors/messages.h"
#include "engine/actors/operator_guard.h"
#include "engine/core/errc.h"

namespace sluice::engine {
namespace {
constexpr auto kIdlePoll = std::chrono::milliseconds(5);
constexpr auto kPausedPoll = std::chrono::milliseconds(50);
}  // namespace

SourceActor::SourceActor(caf::actor_config& cfg, ActorSetup setup, std::shared_ptr<Source> op)
    : TsanVisible<caf::event_based_actor>(cfg),
      setup_(std::move(setup)),
      op_(std::move(op)),
      out_(kMainPort, setup_.out),
      dead_(kDeadPort, setup_.dead) {
  set_exception_handler([this](std::exception_ptr& ep) -> caf::error {
    return OperatorGuard::on_throw(this, setup_, "source '" + setup_.cfg.name + "'", ep, &failed_);
  });
}

void SourceActor::on_exit() {
  OperatorGuard::close(op_, "source '" + setup_.cfg.name + "'");
  out_.clear();
  dead_.clear();
  setup_.release();
}

caf::behavior SourceActor::make_behavior() {
  result<void> r;
  try {
    r = op_->open(setup_.state);
  } catch (const std::exception& e) {
    r = error::fatal(errc::actor_failed, std::string("exception: ") + e.what());
  }
  if (!r.ok()) {
    setup_.counters->errors.fetch_add(1, std::memory_order_relaxed);
    fail("source '" + setup_.cfg.name + "': open failed: " + r.err().message,
         r.err().kind == failure_kind::permanent);
    return {};
  }
  buf_.reserve(static_cast<size_t>(setup_.settings.batch_size));
  schedule_poll();
  return {
      [this](poll_atom) {
        poll_scheduled_ = false;
        do_poll();
      },
      [this](pump_atom) {  // idle / retry timer
        timer_pending_ = false;
        schedule_poll();
      },
      [this](credit_atom, int32_t port, int32_t target, int64_t records) {
        if (port == kDeadPort) {
          dead_.on_credit(this, target, records);
        } else {
          out_.on_credit(this, target, records);
        }
        schedule_poll();
      },
      [this](trigger_atom, uint64_t barrier) { on_trigger(barrier); },
      [this](commit_atom, uint64_t id) {
        if (op_) op_->checkpoint_committed(id);
      },
      [this](stop_atom) { input_done_ = true; },
      [this](quiesce_atom, uint64_t barrier) {  // hot reload: barrier, then nothing more
        on_trigger(barrier);
        reload_paused_ = true;
      },
      [this](resume_atom) {
        reload_paused_ = false;
        schedule_poll();
      },
      [this](rewire_atom, std::shared_ptr<Rewiring>& w) {
        setup_.coordinator = w->coordinator;
        setup_.actor_index = w->actor_index;
        setup_.out = std::move(w->out);
        setup_.dead = std::move(w->dead);
        out_ = OutputPort(kMainPort, setup_.out);
        dead_ = OutputPort(kDeadPort, setup_.dead);
        reload_paused_ = false;
        schedule_poll();
      },
  };
}

void SourceActor::schedule_poll() {
  if (poll_scheduled_ || timer_pending_ || input_done_ || failed_ || reload_paused_) return;
  if (!out_.can_send()) return;  // no credit: stop reading until it comes back
  if (dead_.blocked()) return;   // dead letters wait for credit too
  poll_scheduled_ = true;
  send(this, poll_atom::value);
}

void SourceActor::run_commands() {
  for (auto& c : setup_.counters->commands.take()) {
    if (!op_ || failed_) {
      c.reply->set_value(error::permanent("the source is not running"));
      continue;
    }
    c.reply->set_value(op_->command(c.name, c.args));
  }
}

void SourceActor::do_poll() {
  if (setup_.counters->commands.pending()) run_commands();
  if (input_done_ || failed_ || reload_paused_ || !out_.can_send() || dead_.blocked()) return;
  if (setup_.counters->paused.load(std::memory_order_relaxed)) {  // management API: pause
    timer_pending_ = true;
    delayed_send(this, kPausedPoll, pump_atom::value);
    return;
  }
  buf_.clear();
  const int64_t t0 = monotonic_us();
  auto r = op_->poll(static_cast<size_t>(setup_.settings.batch_size), buf_);
  if (!r.ok()) {
    setup_.counters->errors.fetch_add(1, std::memory_order_relaxed);
    buf_.clear();
    const error& e = r.err();
    if (e.kind == failure_kind::transient && attempts_ + 1 < setup_.opts.retry_attempts) {
      ++attempts_;
      setup_.counters->retries.fetch_add(1, std::memory_order_relaxed);
      log::warn("engine", setup_.cfg.pipeline + ": source '" + setup_.cfg.name + "' poll failed (" +
                              secrets::redact(e.message) + "), retrying");
      timer_pending_ = true;
      setup_.counters->retrying.store(true, std::memory_order_relaxed);
      delayed_send(this, std::chrono::microseconds(setup_.opts.retry_backoff.delay_us(attempts_)),
                   pump_atom::value);
      return;
    }
    fail("source '" + setup_.cfg.name + "': " + e.message, e.kind == failure_kind::permanent);
    return;
  }
  attempts_ = 0;
  setup_.counters->retrying.store(false, std::memory_order_relaxed);
  report(*r, monotonic_us() - t0);
  op_->take_dead(dead_buf_);
  if (!dead_buf_.empty()) {
    route_dead(dead_buf_);
    if (failed_) return;
  }
  if (!buf_.empty()) {
    const auto n = buf_.size();
    setup_.counters->out.fetch_add(n, std::memory_order_relaxed);
    setup_.activity->fetch_add(static_cast<int64_t>(n), std::memory_order_relaxed);
    std::vector<Event> batch;
    batch.swap(buf_);
    buf_.reserve(static_cast<size_t>(setup_.settings.batch_size));
    if (setup_.counters->tap.attached()) setup_.counters->tap.offer(batch);
    out_.emit_data(this, std::move(batch));
  }
  switch (*r) {
    case Source::Poll::Data:
      schedule_poll();
      break;
    case Source::Poll::Idle:
      timer_pending_ = true;
      delayed_send(this, kIdlePoll, pump_atom::value);
      break;
    case Source::Poll::End:
      input_done_ = true;
      input_ended_ = true;
      if (!end_requested_) {
        end_requested_ = true;
        send(setup_.coordinator, endreq_atom::value);
      }
      break;
  }
}

void SourceActor::report(Source::Poll how, int64_t micros) {
  StageCounters& c = *setup_.counters;
  // The source's progress: the commit time of the last change read (snapshot reads do not
  // move it), or now once it has caught up.
  const int64_t own = op_->progress_time();
  if (own >= 0) {
    progress_us_ = std::max(progress_us_, own);
  } else if (how == Source::Poll::Idle && buf_.empty()) {
    progress_us_ = std::max(progress_us_, wall_clock_us());
  } else {
    for (const Event& e : buf_) {
      if (e.op != Op::Read && e.ts > progress_us_) progress_us_ = e.ts;
    }
  }
  if (!buf_.empty()) {
    c.observe_batch(buf_.size(), micros);
    const int64_t ts = buf_.back().ts;
    if (ts > 0) {
      c.last_event_ts.store(ts, std::memory_order_relaxed);
      c.lag_us.store(std::max<int64_t>(0, wall_clock_us() - ts), std::memory_order_relaxed);
    }
  }
  std::string health = op_->health();
  const bool healthy = health.empty();
  c.set_health(std::move(health));
  if (buf_.empty() && how == Source::Poll::Idle && healthy) {
    c.lag_us.store(0, std::memory_order_relaxed);  // caught up
  } else if (!healthy) {  // not caught up: behind by the time since the last event
    const int64_t last = c.last_event_ts.load(std::memory_order_relaxed);
    if (last > 0)
      c.lag_us.store(std::max<int64_t>(0, wall_clock_us() - last), std::memory_order_relaxed);
  }
  stats_.publish(op_.get(), c.operator_stats, setup_.cfg.instance, false);
  int64_t done = 0, total = 0;
  if (op_->progress(done, total)) {
    c.progress_done.store(done, std::memory_order_relaxed);
    c.progress_total.store(total, std::memory_order_relaxed);
    std::vector<TableProgress> tables;
    op_->table_progress(tables);
    const bool any = !tables.empty();
    if (any || had_tables_) c.table_progress.set(std::move(tables));
    had_tables_ = any;
  }
}

void SourceActor::on_trigger(uint64_t barrier) {
  if (finished_ || failed_) return;
  send(setup_.coordinator, ack_atom::value, setup_.actor_index, barrier, op_->checkpoint(barrier));
  stats_.publish(op_.get(), setup_.counters->operator_stats, setup_.cfg.instance, true);
  // A source whose input has ended (not one asked to stop) has read everything there will ever
  // be.
  const int64_t progress = input_ended_ ? std::numeric_limits<int64_t>::max() : progress_us_;
  out_.emit_control(this, Batch::Kind::Barrier, barrier, progress);
  dead_.emit_control(this, Batch::Kind::Barrier, barrier, progress);
  if (input_done_) {
    out_.emit_control(this, Batch::Kind::End, 0);
    dead_.emit_control(this, Batch::Kind::End, 0);
    finished_ = true;
    send(setup_.coordinator, finished_atom::value, setup_.actor_index);
  }
}

void SourceActor::route_dead(std::vector<Event>& dead) {
  DeadLetterStamp stamp;
  stamp.stage = setup_.cfg.name;
  stamp.default_code = errc::decode_failed;
  stamp_dead_letters(dead, stamp, *setup_.counters);
  switch (setup_.opts.on_error) {
    case OnError::Skip:
      break;
    case OnError::Fail: {
      std::string reason = dead_letter_failure("source", setup_.cfg.name, dead.front());
      dead.clear();
      fail(reason, true);
      return;
    }
    case OnError::DeadLetter: {
      std::vector<Event> batch;
      batch.swap(dead);
      dead_.emit_data(this, std::move(batch));
      break;
    }
  }
  dead.clear();
}

void SourceActor::fail(const std::string& reason, bool permanent) {
  if (failed_) return;
  failed_ = true;
  fail_actor(this, setup_.supervisor, setup_.cfg.pipeline, reason, permanent);
}

}  // namespace sluice::engine
