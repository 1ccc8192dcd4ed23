// The checkpoint coordinator of one pipeline run: triggers barrier N every
// checkpoint_interval (and at the end of a bounded source or on stop), collects the acks of
// every actor, writes checkpoint N when all have acked it (or finished), then tells the
// sources it is committed. When every actor has finished and the final checkpoint is
// written, tells the supervisor the pipeline is done.
#pragma once
#include <atomic>
#include <caf/event_based_actor.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/actors/checkpoint_store.h"
#include "engine/actors/tsan_visible.h"

namespace sluice::engine {

struct CoordinatorSetup {
  std::string pipeline;
  std::string state_dir;
  int64_t interval_us = 1'000'000;
  caf::actor supervisor;
  struct Member {
    std::string stage;
    int instance = 0;
    bool source = false;
  };
  std::vector<Member> members;  // by actor index; sources first
  Checkpoint last;              // the checkpoint the run started from (id 0 = none)
  // Bumped while a checkpoint taken after records moved is pending (a periodic checkpoint of
  // an idle pipeline is not activity: with a big state it may take longer than the interval).
  std::shared_ptr<std::atomic<int64_t>> activity;
};

class CoordinatorActor : public TsanVisible<caf::event_based_actor> {
 public:
  CoordinatorActor(caf::actor_config& cfg, CoordinatorSetup setup);

 protected:
  caf::behavior make_behavior() override;
  void on_exit() override;

 private:
  struct Pending {
    std::vector<bool> acked;
    std::vector<std::string> states;
    bool active = false;  // records moved since the previous checkpoint was triggered
  };
  bool any_active() const;
  void trigger();
  void check();
  bool all_finished() const;
  bool sources_finished() const;
  bool any_finished() const;
  void resume_sources();

  CoordinatorSetup setup_;
  CheckpointStore store_;
  std::vector<caf::actor> sources_;
  std::vector<caf::actor> members_;  // by actor index: the sender of its last ack
  std::vector<bool> finished_;
  std::vector<std::string> latest_;  // per actor: state in the last written checkpoint
  std::map<uint64_t, Pending> pending_;
  uint64_t next_id_ = 1;
  bool stopping_ = false;
  bool started_ = false;
  bool trigger_wanted_ = false;
  bool stop_wanted_ = false;
  bool done_ = false;
  bool busy_timer_ = false;        // a busy_atom is scheduled
  int64_t own_bumps_ = 0;          // what the busy timer added to setup_.activity
  int64_t moved_at_trigger_ = -1;  // setup_.activity less own_bumps_ at the last trigger
  uint64_t quiesce_id_ = 0;        // hot reload: the barrier after which the sources stay paused
};

}  // namespace sluice::engine
