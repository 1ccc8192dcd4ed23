#include "engine/actors/stage_actor.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <iterator>
#include <memory>

#include "base/logger.h"
#include "base/secrets.h"
#include "engine/actors/dead_letter_routing.h"
#include "engine/actors/failpoint.h"
#include "engine/actors/messages.h"
#include "engine/actors/operator_guard.h"
#include "engine/core/errc.h"

namespace sluice::engine {

StageActor::StageActor(caf::actor_config& cfg, ActorSetup setup)
    : TsanVisible<caf::event_based_actor>(cfg),
      setup_(std::move(setup)),
      inputs_(setup_.channels),
      dead_(kDeadPort, setup_.dead),
      limiter_(setup_.opts.rate_limit) {
  set_exception_handler([this](std::exception_ptr& ep) -> caf::error {
    return OperatorGuard::on_throw(
        this, setup_,
        "stage '" + setup_.cfg.name + "' (instance " + std::to_string(setup_.cfg.instance) + ")",
        ep, &failed_);
  });
}

void StageActor::on_exit() {
  inputs_.clear();
  dead_.clear();
  setup_.release();
}

caf::behavior StageActor::make_behavior() {
  result<void> r;
  try {
    r = open_operator(setup_.state);
  } catch (const std::exception& e) {
    r = error::fatal(errc::actor_failed, std::string("exception: ") + e.what());
  }
  if (!r.ok()) {
    setup_.counters->errors.fetch_add(1, std::memory_order_relaxed);
    fail("stage '" + setup_.cfg.name + "': open failed: " + r.err().message,
         r.err().kind == failure_kind::permanent);
    return {};
  }
  return {
      [this](data_atom, int32_t channel, int32_t up_port, int32_t up_target, BatchPtr& b) {
        inputs_.receive(this, channel, up_port, up_target, std::move(b));
        pump();
      },
      [this](credit_atom, int32_t port, int32_t target, int64_t records) {
        on_credit(port, target, records);
        pump();
      },
      [this](pump_atom) {
        waiting_ = false;
        pump();
      },
      [this](retry_atom) { on_retry(); },
      [this](idle_atom, uint64_t seq) {
        // Messages that were in the mailbox when the inputs ran dry came before this one.
        if (seq == data_seq_ && !failed_ && !waiting_) on_idle();
      },
      [this](commit_atom, uint64_t id) { on_committed(id); },
      [this](rewire_atom, std::shared_ptr<Rewiring>& w) {
        rewire(*w);
        pump();
      },
  };
}

void StageActor::rewire(Rewiring& w) {
  if (dead_.blocked()) {  // cannot happen at a quiescent barrier; say so loudly if it does
    log::error("engine", setup_.cfg.pipeline + ": stage '" + setup_.cfg.name +
                             "' rewired with dead letters waiting for credit");
  }
  setup_.coordinator = std::move(w.coordinator);
  setup_.actor_index = w.actor_index;
  setup_.out = std::move(w.out);
  setup_.dead = std::move(w.dead);
  dead_ = OutputPort(kDeadPort, setup_.dead);
  inputs_.rewire();
}

void StageActor::on_credit(int32_t port, int32_t target, int64_t records) {
  if (port == kDeadPort) dead_.on_credit(this, target, records);
}

void StageActor::emit_control(Batch::Kind kind, uint64_t barrier, int64_t progress_us) {
  dead_.emit_control(this, kind, barrier, progress_us);
}

void StageActor::drop_schema_events(std::vector<Event>& events) const {
  if (setup_.cfg.schema_changes) return;
  // A dead letter is delivered whatever it carries (a dead-letter sink writes its error form).
  auto schema = [](const Event& e) { return e.op == Op::Schema && !e.dead_letter; };
  if (std::none_of(events.begin(), events.end(), schema)) return;
  events.erase(std::remove_if(events.begin(), events.end(), schema), events.end());
}

void StageActor::resume_channel(int channel, int64_t records) {
  inputs_.set_hold(outputs_blocked());
  if (!is_replay(channel)) inputs_.consumed(this, channel, records);
  pump();
}

bool StageActor::pump_replay() {
  if (setup_.counters->replay.pending()) {
    for (auto& e : setup_.counters->replay.take()) replay_.push_back(std::move(e));
  }
  if (replay_.empty()) return true;
  const int input = replay_.front().dead_letter ? replay_.front().dead_letter->input : 0;
  size_t n = 0;
  while (n < replay_.size() &&
         (replay_[n].dead_letter ? replay_[n].dead_letter->input : 0) == input) {
    ++n;
  }
  auto batch = std::make_shared<Batch>();
  batch->events.assign(std::make_move_iterator(replay_.begin()),
                       std::make_move_iterator(replay_.begin() + static_cast<long>(n)));
  replay_.erase(replay_.begin(), replay_.begin() + static_cast<long>(n));
  for (auto& e : batch->events) e.dead_letter.reset();
  log::info("engine", setup_.cfg.pipeline + ": stage '" + setup_.cfg.name + "' replays " +
                          std::to_string(n) + " dead letter(s)");
  setup_.counters->in.fetch_add(n, std::memory_order_relaxed);
  BatchPtr b = std::move(batch);
  const bool done = on_data(replay_channel(input), b);
  return done && !failed_;
}

void StageActor::pump() {
  while (!failed_ && !waiting_) {
    if (outputs_blocked()) {
      inputs_.set_hold(true);
      return;
    }
    inputs_.set_hold(false);
    inputs_.release(this);
    if (!replay_.empty() || setup_.counters->replay.pending()) {
      if (!pump_replay()) return;
      continue;  // outputs and the rest of the replay first
    }
    if (limiter_.enabled()) {
      int64_t wait = limiter_.wait_us(monotonic_us());
      if (wait > 0) {
        waiting_ = true;
        delayed_send(this, std::chrono::microseconds(wait), pump_atom::value);
        return;
      }
    }
    auto item = inputs_.next();
    switch (item.what) {
      case InputSet::Next::None:
        if (notify_idle_ && !idle_sent_) {
          idle_sent_ = true;
          send(this, idle_atom::value, data_seq_);
        }
        return;
      case InputSet::Next::Data: {
        const auto n = static_cast<int64_t>(item.batch->events.size());
        if (limiter_.enabled()) limiter_.admit(monotonic_us(), static_cast<size_t>(n));
        setup_.counters->in.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
        failpoint::check(setup_.cfg.name, static_cast<size_t>(n));
        const int64_t t0 = monotonic_us();
        const bool done = on_data(item.channel, item.batch);
        ++data_seq_;
        idle_sent_ = false;
        setup_.counters->observe_batch(static_cast<size_t>(n), monotonic_us() - t0);
        publish_stats(false);
        if (!done) return;  // kept for retry
        if (failed_) return;
        inputs_.set_hold(outputs_blocked());
        inputs_.consumed(this, item.channel, n);
        break;
      }
      case InputSet::Next::Barrier: {
        if (item.progress_us > 0) on_progress(item.progress_us);
        if (failed_) return;
        auto st = snapshot(item.barrier);
        publish_stats(true);
        if (!st.ok()) {
          // A permanent error (a record the target refuses, a newer owner of the target) stops
          // the pipeline for good; others restart it from the last checkpoint.
          fail("stage '" + setup_.cfg.name + "': checkpoint " + std::to_string(item.barrier) +
                   " failed: " + st.err().message,
               st.err().kind == failure_kind::permanent);
          return;
        }
        send(setup_.coordinator, ack_atom::value, setup_.actor_index, item.barrier,
             std::move(st).value());
        emit_control(Batch::Kind::Barrier, item.barrier, item.progress_us);
        break;
      }
      case InputSet::Next::End:
        emit_control(Batch::Kind::End, 0);
        send(setup_.coordinator, finished_atom::value, setup_.actor_index);
        break;
    }
  }
}

void StageActor::route_dead(std::vector<Event>& dead, error_code code, error_code default_code,
                            const std::string& message, int attempts) {
  if (dead.empty()) return;
  DeadLetterStamp stamp;
  stamp.stage = setup_.cfg.name;
  stamp.code = code;
  stamp.default_code = default_code;
  stamp.message = message;
  stamp.attempts = attempts;
  stamp.input = dead_input_;
  stamp_dead_letters(dead, stamp, *setup_.counters);
  switch (setup_.opts.on_error) {
    case OnError::Skip:
      dead.clear();
      return;
    case OnError::Fail: {
      std::string reason = dead_letter_failure("stage", setup_.cfg.name, dead.front());
      dead.clear();
      fail(reason, true);
      return;
    }
    case OnError::DeadLetter:
      dead_.emit_data(this, std::move(dead));
      dead.clear();
      return;
  }
}

void StageActor::fail(const std::string& reason, bool permanent) {
  if (failed_) return;
  failed_ = true;
  fail_actor(this, setup_.supervisor, setup_.cfg.pipeline, reason, permanent);
}

}  // namespace sluice::engine
