// A transform/aggregate/join instance: runs Processor::process on each batch and sends the
// results downstream (partitioned by key), dead letters to the stage's dead-letter sink.
#pragma once
#include <memory>

#include "engine/actors/operator_actor.h"

namespace sluice::engine {

class ProcessorActor : public OperatorActor<Processor> {
 public:
  ProcessorActor(caf::actor_config& cfg, ActorSetup setup, std::shared_ptr<Processor> op);

 protected:
  bool on_data(int channel, BatchPtr& batch) override;
  result<std::string> snapshot(uint64_t barrier) override;
  void on_committed(uint64_t id) override;
  void on_credit(int32_t port, int32_t target, int64_t records) override;
  bool outputs_blocked() const override { return out_.blocked() || dead_.blocked(); }
  void emit_control(Batch::Kind kind, uint64_t barrier, int64_t progress_us) override;
  void on_progress(int64_t progress_us) override;
  void rewire(Rewiring& w) override;
  void on_exit() override;

 private:
  OutputPort out_;
  std::vector<Event> dead_buf_;
};

}  // namespace sluice::engine
