// A transform/aggregate/join instance: runs Processor::process on each batch and sends the
// results downstream (partitioned by key), dead letters to the stage's dead-letter sink.
#pragma once
#include <memory>

#include "engine/actors/stage_actor.h"
#include "engine/actors/stats_publisher.h"

namespace sluice::engine {

class ProcessorActor : public StageActor {
 public:
  ProcessorActor(caf::actor_config& cfg, ActorSetup setup, std::shared_ptr<Processor> op);

 protected:
  result<void> open_operator(const std::string& state) override;
  bool on_data(int channel, BatchPtr& batch) override;
  result<std::string> snapshot(uint64_t barrier) override;
  void publish_stats(bool force) override {
    stats_.publish(op_.get(), setup_.counters->operator_stats, setup_.cfg.instance, force);
  }
  void on_credit(int32_t port, int32_t target, int64_t records) override;
  bool outputs_blocked() const override { return out_.blocked() || dead_.blocked(); }
  void emit_control(Batch::Kind kind, uint64_t barrier) override;
  void rewire(Rewiring& w) override;
  void on_exit() override;

 private:
  std::shared_ptr<Processor> op_;
  StatsPublisher stats_;
  OutputPort out_;
  std::vector<Event> dead_buf_;
};

}  // namespace sluice::engine
