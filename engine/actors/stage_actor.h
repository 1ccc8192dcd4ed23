// Base of the processor and sink actors: input channels with barrier alignment and credit,
// rate limiting, the failpoint, dead-letter routing (on_error) and failure reporting.
#pragma once
#include <caf/event_based_actor.hpp>
#include <string>
#include <vector>

#include "base/rate_limiter.h"
#include "engine/actors/actor_setup.h"
#include "engine/actors/clock.h"
#include "engine/actors/input_set.h"
#include "engine/actors/output_port.h"
#include "engine/actors/tsan_visible.h"
#include "engine/core/errc.h"

namespace sluice::engine {

class StageActor : public TsanVisible<caf::event_based_actor> {
 public:
  StageActor(caf::actor_config& cfg, ActorSetup setup);

 protected:
  caf::behavior make_behavior() override;
  void on_exit() override;

  virtual result<void> open_operator(const std::string& state) = 0;
  // Processes one data batch. Return false to keep it (retry later: set waiting_ and
  // call resume_channel() when done).
  virtual bool on_data(int channel, BatchPtr& batch) = 0;
  virtual result<std::string> snapshot(uint64_t barrier) = 0;
  virtual void on_retry() {}
  // Publishes the operator's own figures (report_stats) to the stage's board.
  virtual void publish_stats(bool /*force*/) {}
  // No data is waiting, in the inputs or the mailbox, after data was processed.
  virtual void on_idle() {}
  // Checkpoint `id` is written (sinks may forget what only a restart before it needed).
  virtual void on_committed(uint64_t /*id*/) {}
  virtual void on_credit(int32_t port, int32_t target, int64_t records);
  virtual bool outputs_blocked() const { return dead_.blocked(); }
  virtual void emit_control(Batch::Kind kind, uint64_t barrier, int64_t progress_us = 0);
  // At an aligned barrier, before snapshot(): the sources' progress (Batch::progress_us, > 0).
  virtual void on_progress(int64_t /*progress_us*/) {}
  // Hot reload: the actor is kept; take the new coordinator, index and outputs.
  virtual void rewire(Rewiring& w);

  // Processes queued input while outputs, rate limit and retries allow.
  void pump();
  // Channels < 0 carry replayed dead letters (no upstream credit): input index = -1 - channel.
  static int replay_channel(int input) { return -1 - input; }
  static bool is_replay(int channel) { return channel < 0; }
  static int replay_input(int channel) { return -1 - channel; }
  // Takes replayed dead letters (StageCounters::replay) and processes the next run of them
  // that came from one input. false: processing stopped (kept for retry or failed).
  bool pump_replay();
  // A kept batch of `records` from `channel` is done: grant its credit and continue.
  void resume_channel(int channel, int64_t records);
  // Removes the schema-change events (Op::Schema) unless the stage's kind receives them
  // (StageConfig::schema_changes); dead letters stay.
  void drop_schema_events(std::vector<Event>& events) const;
  // Completes the dead-letter info of `dead` events and routes them per on_error.
  // attempts > 0, a set code and a non-empty message override what the operator set;
  // default_code stands in when neither gives a code.
  void route_dead(std::vector<Event>& dead, error_code code, error_code default_code,
                  const std::string& message, int attempts);
  // Logs, tells the supervisor and quits. permanent: restarting cannot help.
  void fail(const std::string& reason, bool permanent);

  ActorSetup setup_;
  InputSet inputs_;
  OutputPort dead_;
  RateLimiter limiter_;
  std::vector<Event> replay_;  // replayed dead letters not processed yet
  int dead_input_ = 0;         // input of the records route_dead gets (DeadLetterInfo::input)
  bool waiting_ = false;
  bool failed_ = false;
  bool notify_idle_ = false;  // on_idle() wanted (sinks)
  uint64_t data_seq_ = 0;     // data batches processed; an idle_atom with an older seq is stale
  bool idle_sent_ = true;     // an idle_atom for data_seq_ is on its way (or nothing to report)
};

}  // namespace sluice::engine
