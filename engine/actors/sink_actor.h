// A sink instance: writes batches with retries (the batch is kept and no credit is granted
// while retrying), makes writes durable on each barrier and acknowledges it.
#pragma once
#include <memory>

#include "engine/actors/operator_actor.h"

namespace sluice::engine {

class SinkActor : public OperatorActor<Sink> {
 public:
  SinkActor(caf::actor_config& cfg, ActorSetup setup, std::shared_ptr<Sink> op);
  void on_exit() override;

 protected:
  bool on_data(int channel, BatchPtr& batch) override;
  result<std::string> snapshot(uint64_t barrier) override;
  void on_retry() override;
  void on_idle() override;
  void on_committed(uint64_t id) override;

 private:
  // One write attempt of the kept batch; true when the batch is done (written or routed).
  bool attempt();

  BatchPtr kept_;
  int kept_channel_ = -1;
  int64_t kept_records_ = 0;
  int attempts_ = 0;
  std::vector<Event> dead_buf_;
};

}  // namespace sluice::engine
