// An actor's output: partitions data batches by key over the instances of each downstream
// stage, holds them until the target grants credit, and broadcasts barriers / End in order.
#pragma once
#include <caf/event_based_actor.hpp>
#include <deque>
#include <unordered_map>
#include <vector>

#include "base/event.h"
#include "engine/actors/edge_spec.h"

namespace sluice::engine {

class OutputPort {
 public:
  OutputPort() = default;
  OutputPort(int32_t port_id, const PortSpec& spec);

  bool connected() const { return !targets_.empty(); }
  // Forgets every target (their actor handles): called when the owning actor exits.
  void clear() { targets_.clear(); }
  // Partitions and sends (or queues) the events. `events` is consumed.
  void emit_data(caf::event_based_actor* self, std::vector<Event>&& events);
  // Barrier or End to every target, behind any queued data.
  void emit_control(caf::event_based_actor* self, Batch::Kind kind, uint64_t barrier,
                    int64_t progress_us = 0);
  void on_credit(caf::event_based_actor* self, int32_t target, int64_t records);
  // True when some target has batches waiting for credit: stop producing.
  bool blocked() const { return queued_ > 0; }
  // True when every target holds credit and nothing waits: a source may poll.
  bool can_send() const;

 private:
  struct Target {
    caf::actor actor;
    int32_t channel = 0;
    int64_t credit = 0;
    std::deque<BatchPtr> pending;
  };
  struct Group {
    std::vector<size_t> targets;
    size_t rr = 0;
  };
  void push(caf::event_based_actor* self, size_t t, BatchPtr b);
  void flush(caf::event_based_actor* self, size_t t);
  void send_group(caf::event_based_actor* self, Group& g, std::vector<Event>&& events);
  const std::vector<Sym>& pk_syms(const SourceMeta* m);

  int32_t port_id_ = 0;
  std::vector<Target> targets_;
  std::vector<Group> groups_;
  size_t queued_ = 0;  // batches waiting in all pending queues
  uint64_t seq_ = 0;
  std::unordered_map<const SourceMeta*, std::vector<Sym>> pk_cache_;
  std::vector<std::vector<Event>> parts_;
};

}  // namespace sluice::engine
