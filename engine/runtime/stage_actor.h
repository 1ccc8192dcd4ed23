// Base of the processor and sink actors: input channels with barrier alignment and credit,
// rate limiting, the failpoint, dead-letter routing (on_error) and failure reporting.
#pragma once
#include <caf/event_based_actor.hpp>
#include <string>
#include <vector>

#include "engine/runtime/actor_setup.h"
#include "engine/runtime/input_set.h"
#include "engine/runtime/output_port.h"
#include "engine/runtime/rate_limiter.h"

namespace sluice::engine {

class StageActor : public caf::event_based_actor {
 public:
  StageActor(caf::actor_config& cfg, ActorSetup setup);

 protected:
  caf::behavior make_behavior() override;
  void on_exit() override;

  virtual result<void> open_operator(const std::string& state) = 0;
  // Processes one data batch. Return false to keep it (retry later: set waiting_ and
  // call resume() when done).
  virtual bool on_data(int channel, BatchPtr& batch) = 0;
  virtual result<std::string> snapshot(uint64_t barrier) = 0;
  virtual void on_retry() {}
  virtual void on_credit(int32_t port, int32_t target, int64_t records);
  virtual bool outputs_blocked() const { return dead_.blocked(); }
  virtual void emit_control(Batch::Kind kind, uint64_t barrier);

  // Processes queued input while outputs, rate limit and retries allow.
  void pump();
  // A kept batch of `records` from `channel` is done: grant its credit and continue.
  void resume(int channel, int64_t records);
  // Completes the dead-letter info of `dead` events and routes them per on_error.
  // attempts > 0 and kind/message non-empty override what the operator set.
  void route_dead(std::vector<Event>& dead, const std::string& kind, const std::string& message,
                  int attempts);
  // Logs, tells the supervisor and quits. permanent: restarting cannot help.
  void fail(const std::string& reason, bool permanent);

  ActorSetup setup_;
  InputSet inputs_;
  OutputPort dead_;
  RateLimiter limiter_;
  bool waiting_ = false;
  bool failed_ = false;
};

}  // namespace sluice::engine
