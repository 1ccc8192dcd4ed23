// The postgres sink's flush in flight (docs/postgres.md "Pipelined apply"): its slots'
// transactions run on a thread of their own while the sink accepts and plans the next batch.
// It owns what the transactions read: the batch's events (moved in whole, so the groups'
// pointers into them stay valid), the planned groups (inside the SlotFlush) and the planner's
// dead letters. join() waits for the thread; the sink then collects the outcome on its own
// thread, as it does for a flush it ran itself. A flush that failed stays here (failed()) until
// the sink has written its events again.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/event.h"
#include "operators/postgres/batch_planner.h"
#include "operators/postgres/slot_flush.h"

namespace sluice::operators::postgres {

class InFlightFlush {
 public:
  // What the flush commits besides its rows, for the sink's bookkeeping when it is collected.
  struct Commit {
    std::string position;  // JSON text of the last event's position
    int64_t last_seq = 0;
  };

  // Takes the batch's events: the pending ones, then the call's (both vectors are swapped
  // out, so `evs` keeps pointing at the same events).
  InFlightFlush(std::vector<Event>& pending, std::vector<Event>& call,
                std::vector<const Event*> evs, Commit commit);
  ~InFlightFlush();
  InFlightFlush(const InFlightFlush&) = delete;
  InFlightFlush& operator=(const InFlightFlush&) = delete;

  // Runs `run` on a thread of its own (here, when no thread can be made).
  void start(std::unique_ptr<SlotFlush> run, std::vector<Event> plan_dead,
             const BatchPlanner& planner);
  bool running() const { return worker_.joinable(); }
  void join();

  SlotFlush& run() { return *run_; }
  std::vector<Event>& plan_dead() { return plan_dead_; }
  const Commit& commit() const { return commit_; }
  const std::vector<const Event*>& events() const { return evs_; }
  // The transactions failed: the events wait to be written again.
  bool failed() const { return failed_; }
  void set_failed() { failed_ = true; }

 private:
  std::vector<Event> pending_;
  std::vector<Event> call_;
  std::vector<const Event*> evs_;
  Commit commit_;
  std::unique_ptr<SlotFlush> run_;
  std::vector<Event> plan_dead_;
  std::thread worker_;
  bool failed_ = false;
};

}  // namespace sluice::operators::postgres
