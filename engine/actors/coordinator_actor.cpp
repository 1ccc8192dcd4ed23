#include "engine/actors/coordinator_actor.h"

#include <chrono>

#include "base/logger.h"
#include "engine/actors/clock.h"
#include "engine/actors/messages.h"

namespace sluice::engine {

CoordinatorActor::CoordinatorActor(caf::actor_config& cfg, CoordinatorSetup setup)
    : TsanVisible<caf::event_based_actor>(cfg), setup_(std::move(setup)), store_(setup_.state_dir) {
  const size_t n = setup_.members.size();
  finished_.assign(n, false);
  latest_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    latest_[i] = setup_.last.state_of(setup_.members[i].stage, setup_.members[i].instance);
  }
  next_id_ = setup_.last.id + 1;
}

void CoordinatorActor::on_exit() {
  sources_.clear();
  setup_.supervisor = nullptr;
}

caf::behavior CoordinatorActor::make_behavior() {
  delayed_send(this, std::chrono::microseconds(setup_.interval_us), tick_atom::value);
  return {
      [this](start_atom, std::vector<caf::actor>& sources) {
        sources_ = std::move(sources);
        started_ = true;
        if (stop_wanted_) {
          stop_wanted_ = false;
          stopping_ = true;
          for (auto& s : sources_) send(s, stop_atom::value);
          trigger_wanted_ = true;
        }
        if (trigger_wanted_) trigger();
      },
      [this](busy_atom) {
        busy_timer_ = false;
        if (done_ || pending_.empty()) return;
        if (setup_.activity && any_active()) {
          setup_.activity->fetch_add(1, std::memory_order_relaxed);
          ++own_bumps_;
        }
        busy_timer_ = true;
        delayed_send(this, std::chrono::milliseconds(100), busy_atom::value);
      },
      [this](tick_atom) {
        if (done_) return;
        if (started_ && pending_.empty() && !sources_finished() && quiesce_id_ == 0) trigger();
        delayed_send(this, std::chrono::microseconds(setup_.interval_us), tick_atom::value);
      },
      [this](endreq_atom) {
        if (!started_) {
          trigger_wanted_ = true;
        } else if (!sources_finished()) {
          trigger();
        }
      },
      [this](stop_atom) {
        if (!started_) {
          stop_wanted_ = true;
          return;
        }
        if (stopping_) return;
        stopping_ = true;
        for (size_t i = 0; i < sources_.size(); ++i) {
          if (!finished_[i]) send(sources_[i], stop_atom::value);
        }
        if (!sources_finished()) trigger();
        check();
      },
      [this](ack_atom, int32_t idx, uint64_t id, std::string& state) {
        auto it = pending_.find(id);
        if (it == pending_.end() || idx < 0 || static_cast<size_t>(idx) >= finished_.size()) {
          return;
        }
        it->second.acked[idx] = true;
        if (members_.size() < finished_.size()) members_.resize(finished_.size());
        members_[idx] = caf::actor_cast<caf::actor>(current_sender());
        it->second.states[idx] = std::move(state);
        check();
      },
      [this](quiesce_atom) {
        if (!started_ || stopping_ || done_ || quiesce_id_ != 0 || any_finished()) {
          send(setup_.supervisor, quiesced_atom::value, uint64_t{0}, false);
          return;
        }
        quiesce_id_ = next_id_++;
        Pending p;
        p.acked.assign(finished_.size(), false);
        p.states.resize(finished_.size());
        pending_.emplace(quiesce_id_, std::move(p));
        for (auto& s : sources_) send(s, quiesce_atom::value, quiesce_id_);
      },
      [this](resume_atom) { resume_sources(); },
      [this](finished_atom, int32_t idx) {
        if (idx < 0 || static_cast<size_t>(idx) >= finished_.size()) return;
        finished_[idx] = true;
        check();
      },
  };
}

bool CoordinatorActor::all_finished() const {
  for (bool f : finished_) {
    if (!f) return false;
  }
  return true;
}

bool CoordinatorActor::any_finished() const {
  for (bool f : finished_) {
    if (f) return true;
  }
  return false;
}

void CoordinatorActor::resume_sources() {
  quiesce_id_ = 0;
  for (size_t i = 0; i < sources_.size(); ++i) {
    if (!finished_[i]) send(sources_[i], resume_atom::value);
  }
}

bool CoordinatorActor::any_active() const {
  for (const auto& [id, p] : pending_) {
    if (p.active) return true;
  }
  return false;
}

bool CoordinatorActor::sources_finished() const {
  for (size_t i = 0; i < sources_.size(); ++i) {
    if (!finished_[i]) return false;
  }
  return !sources_.empty();
}

void CoordinatorActor::trigger() {
  const uint64_t id = next_id_++;
  Pending p;
  p.acked.assign(finished_.size(), false);
  p.states.resize(finished_.size());
  if (setup_.activity) {
    const int64_t moved = setup_.activity->load(std::memory_order_relaxed) - own_bumps_;
    p.active = moved != moved_at_trigger_;
    moved_at_trigger_ = moved;
  }
  pending_.emplace(id, std::move(p));
  if (!busy_timer_) {
    busy_timer_ = true;
    delayed_send(this, std::chrono::milliseconds(100), busy_atom::value);
  }
  for (size_t i = 0; i < sources_.size(); ++i) {
    if (!finished_[i]) send(sources_[i], trigger_atom::value, id);
  }
}

void CoordinatorActor::check() {
  while (!pending_.empty()) {
    auto it = pending_.begin();
    Pending& p = it->second;
    bool complete = true;
    for (size_t i = 0; i < finished_.size() && complete; ++i) {
      complete = p.acked[i] || finished_[i];
    }
    if (!complete) break;
    const uint64_t id = it->first;
    for (size_t i = 0; i < finished_.size(); ++i) {
      if (p.acked[i]) latest_[i] = std::move(p.states[i]);
    }
    pending_.erase(it);
    Checkpoint cp;
    cp.id = id;
    cp.written_at = wall_clock_us();
    for (size_t i = 0; i < setup_.members.size(); ++i) {
      const auto& m = setup_.members[i];
      if (m.source && m.instance == 0) {  // a source's further instances: under "stages"
        cp.sources[m.stage] = latest_[i];
      } else {
        auto& v = cp.stages[m.stage];
        if (v.size() <= static_cast<size_t>(m.instance)) v.resize(m.instance + 1);
        v[m.instance] = latest_[i];
      }
    }
    auto r = store_.save(setup_.pipeline, cp);
    if (!r.ok()) {
      std::string reason = "checkpoint " + std::to_string(id) + ": " + r.err().message;
      log::error("engine", setup_.pipeline + ": " + reason);
      send(setup_.supervisor, fail_atom::value, reason, false);
      quit(caf::make_error(caf::sec::runtime_error, reason));
      return;
    }
    log::debug("engine", setup_.pipeline + ": checkpoint " + std::to_string(id) + " written");
    for (auto& s : sources_) send(s, commit_atom::value, id);
    for (size_t i = 0; i < members_.size() && i < setup_.members.size(); ++i) {
      if (!setup_.members[i].source && members_[i]) send(members_[i], commit_atom::value, id);
    }
    send(setup_.supervisor, progress_atom::value, id);
    if (id == quiesce_id_) {
      // Hot reload: everything before the barrier is written and the sources are paused.
      // When the pipeline is ending meanwhile (a bounded source is done, stop) it cannot be
      // reloaded: the sources go on and the supervisor answers the reload with an error.
      const bool ok = !stopping_ && !any_finished();
      if (!ok) resume_sources();
      send(setup_.supervisor, quiesced_atom::value, id, ok);
    }
  }
  if (!done_ && pending_.empty() && all_finished()) {
    done_ = true;
    send(setup_.supervisor, done_atom::value, next_id_ - 1);
  }
}

}  // namespace sluice::engine
