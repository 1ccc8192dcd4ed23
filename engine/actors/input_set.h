// An actor's input channels: per-channel queues, barrier alignment (a channel that delivered
// barrier N is held back until every live channel has), End tracking and credit grants.
#pragma once
#include <caf/event_based_actor.hpp>
#include <deque>
#include <vector>

#include "base/event.h"
#include "engine/actors/edge_spec.h"

namespace sluice::engine {

class InputSet {
 public:
  InputSet() = default;
  explicit InputSet(const std::vector<ChannelSpec>& channels);

  // Queues a batch that arrived on `channel` from the current sender.
  void receive(caf::event_based_actor* self, int32_t channel, int32_t up_port, int32_t up_target,
               BatchPtr batch);

  enum class Next { None, Data, Barrier, End };
  struct Item {
    Next what = Next::None;
    int channel = -1;
    BatchPtr batch;        // Data
    uint64_t barrier = 0;  // Barrier
    // Barrier: the least source progress of the inputs (Batch::progress_us; 0 when one of
    // them does not know it).
    int64_t progress_us = 0;
  };
  // The next thing to process: a data batch, an aligned barrier, or End of all inputs.
  Item next();
  int input_index(int channel) const { return channels_[channel].input_index; }
  // Credit for `records` consumed from `channel` (sent now, or held while `hold` is set).
  void consumed(caf::event_based_actor* self, int channel, int64_t records);
  // Sends credit held back while outputs were blocked.
  void release(caf::event_based_actor* self);
  void set_hold(bool hold) { hold_ = hold; }
  size_t queued_records() const { return queued_records_; }
  bool empty() const { return channels_.empty(); }
  // Forgets every channel (their upstream actor handles): called when the owning actor exits.
  void clear() { channels_.clear(); }
  // Hot reload (the graph is quiescent): forgets the upstream of every channel; each learns
  // its (possibly new) upstream from the next batch it receives.
  void rewire();

 private:
  struct Channel {
    int input_index = 0;
    caf::actor upstream;
    int32_t up_port = 0;
    int32_t up_target = 0;
    std::deque<BatchPtr> queue;
    bool at_barrier = false;
    int64_t progress_us = 0;  // of the barrier it is at
    bool ended = false;
    int64_t owed = 0;
  };
  bool aligned() const;

  std::vector<Channel> channels_;
  size_t rr_ = 0;
  uint64_t barrier_ = 0;
  bool any_at_barrier_ = false;
  bool end_reported_ = false;
  bool hold_ = false;
  size_t queued_records_ = 0;
};

}  // namespace sluice::engine
