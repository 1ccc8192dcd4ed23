// A source instance: polls batches while it holds credit, injects barriers when the
// coordinator triggers them and, at the end of its input (or on stop), a final barrier + End.
#pragma once
#include <caf/event_based_actor.hpp>
#include <memory>

#include "engine/actors/actor_setup.h"
#include "engine/actors/output_port.h"
#include "engine/actors/stats_publisher.h"
#include "engine/actors/tsan_visible.h"

namespace sluice::engine {

class SourceActor : public TsanVisible<caf::event_based_actor> {
 public:
  SourceActor(caf::actor_config& cfg, ActorSetup setup, std::shared_ptr<Source> op);
  void on_exit() override;

 protected:
  caf::behavior make_behavior() override;

 private:
  void schedule_poll();
  void do_poll();
  // Management API commands (Source::command), answered between polls.
  void run_commands();
  void on_trigger(uint64_t barrier);
  // Updates the live counters (lag, batch latency, progress) after a poll.
  void report(Source::Poll how, int64_t micros);
  // Routes the records the operator could not decode (Source::take_dead) per on_error, as
  // StageActor::route_dead does for stages: to the `dead_letter` sink on the dead port.
  void route_dead(std::vector<Event>& dead);
  void fail(const std::string& reason, bool permanent);

  ActorSetup setup_;
  std::shared_ptr<Source> op_;
  StatsPublisher stats_;
  OutputPort out_;
  OutputPort dead_;  // dead-letter output (connected when the source has a dead_letter)
  std::vector<Event> buf_;
  std::vector<Event> dead_buf_;
  bool poll_scheduled_ = false;
  bool timer_pending_ = false;
  bool input_done_ = false;  // End polled or stop requested: no more polling
  bool end_requested_ = false;
  bool finished_ = false;
  bool had_tables_ = false;   // the last table_progress() reported tables
  int64_t progress_us_ = 0;   // Batch::progress_us of its barriers (see report())
  bool input_ended_ = false;  // poll said End (input_done_ is also set by a stop)
  bool failed_ = false;
  bool reload_paused_ = false;  // hot reload: barrier taken, waiting for rewire / resume
  int attempts_ = 0;
};

}  // namespace sluice::engine
