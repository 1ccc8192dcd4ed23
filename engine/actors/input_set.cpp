#include "engine/actors/input_set.h"

#include <caf/actor_cast.hpp>

#include "engine/actors/messages.h"

namespace sluice::engine {

InputSet::InputSet(const std::vector<ChannelSpec>& channels) {
  for (const auto& c : channels) {
    Channel ch;
    ch.input_index = c.input_index;
    channels_.push_back(std::move(ch));
  }
}

void InputSet::receive(caf::event_based_actor* self, int32_t channel, int32_t up_port,
                       int32_t up_target, BatchPtr batch) {
  if (channel < 0 || static_cast<size_t>(channel) >= channels_.size()) return;
  Channel& ch = channels_[channel];
  if (!ch.upstream) {
    ch.upstream = caf::actor_cast<caf::actor>(self->current_sender());
    ch.up_port = up_port;
    ch.up_target = up_target;
  }
  queued_records_ += batch->events.size();
  ch.queue.push_back(std::move(batch));
}

bool InputSet::aligned() const {
  for (const auto& c : channels_) {
    if (!c.ended && !c.at_barrier) return false;
  }
  return true;
}

InputSet::Item InputSet::next() {
  const size_t n = channels_.size();
  for (size_t k = 0; k < n; ++k) {
    const size_t i = (rr_ + k) % n;
    Channel& ch = channels_[i];
    while (!ch.at_barrier && !ch.ended && !ch.queue.empty()) {
      BatchPtr b = std::move(ch.queue.front());
      ch.queue.pop_front();
      switch (b->kind) {
        case Batch::Kind::Data:
          if (b->events.empty()) continue;
          rr_ = i + 1;
          queued_records_ -= b->events.size();
          return Item{Next::Data, static_cast<int>(i), std::move(b), 0};
        case Batch::Kind::Barrier:
          ch.at_barrier = true;
          ch.progress_us = b->progress_us;
          barrier_ = b->barrier;
          any_at_barrier_ = true;
          break;
        case Batch::Kind::End:
          ch.ended = true;
          break;
      }
    }
    if (any_at_barrier_ && aligned()) {
      int64_t progress = -1;
      for (auto& c : channels_) {
        if (c.at_barrier)
          progress = progress < 0 ? c.progress_us : std::min(progress, c.progress_us);
        c.at_barrier = false;
      }
      any_at_barrier_ = false;
      return Item{Next::Barrier, -1, nullptr, barrier_, std::max<int64_t>(progress, 0)};
    }
  }
  if (!end_reported_ && !any_at_barrier_) {
    bool all_ended = true;
    for (const auto& c : channels_) all_ended = all_ended && c.ended;
    if (all_ended) {
      end_reported_ = true;
      return Item{Next::End, -1, nullptr, 0};
    }
  }
  return Item{};
}

void InputSet::consumed(caf::event_based_actor* self, int channel, int64_t records) {
  Channel& ch = channels_[channel];
  ch.owed += records;
  if (!hold_ && ch.upstream && ch.owed > 0) {
    self->send(ch.upstream, credit_atom::value, ch.up_port, ch.up_target, ch.owed);
    ch.owed = 0;
  }
}

void InputSet::release(caf::event_based_actor* self) {
  if (hold_) return;
  for (auto& ch : channels_) {
    if (ch.upstream && ch.owed > 0) {
      self->send(ch.upstream, credit_atom::value, ch.up_port, ch.up_target, ch.owed);
      ch.owed = 0;
    }
  }
}

void InputSet::rewire() {
  for (auto& ch : channels_) {
    ch.upstream = nullptr;
    ch.owed = 0;
  }
}

}  // namespace sluice::engine
