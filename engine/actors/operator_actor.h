// Base of the processor and sink actors: what holding one operator takes (a Processor or a
// Sink): opening it with its checkpoint state and publishing its own figures.
#pragma once
#include <memory>
#include <string>
#include <utility>

#include "engine/actors/stage_actor.h"
#include "engine/actors/stats_publisher.h"

namespace sluice::engine {

template <class Op>
class OperatorActor : public StageActor {
 public:
  OperatorActor(caf::actor_config& cfg, ActorSetup setup, std::shared_ptr<Op> op)
      : StageActor(cfg, std::move(setup)), op_(std::move(op)) {}

 protected:
  result<void> open_operator(const std::string& state) override { return op_->open(state); }
  void publish_stats(bool force) override {
    stats_.publish(op_.get(), setup_.counters->operator_stats, setup_.cfg.instance, force);
  }

  std::shared_ptr<Op> op_;
  StatsPublisher stats_;
};

}  // namespace sluice::engine
