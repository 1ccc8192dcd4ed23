#include "operators/postgres/inflight_flush.h"

#include <system_error>

namespace sluice::operators::postgres {

InFlightFlush::InFlightFlush(std::vector<Event>& pending, std::vector<Event>& call,
                             std::vector<const Event*> evs, Commit commit)
    : evs_(std::move(evs)), commit_(std::move(commit)) {
  pending_.swap(pending);
  call_.swap(call);
}

InFlightFlush::~InFlightFlush() { join(); }

void InFlightFlush::start(std::unique_ptr<SlotFlush> run, std::vector<Event> plan_dead,
                          const BatchPlanner& planner) {
  run_ = std::move(run);
  plan_dead_ = std::move(plan_dead);
  try {
    worker_ = std::thread([this, &planner] { run_->run(planner); });
  } catch (const std::system_error&) {
    run_->run(planner);  // no thread to be had: run it here, collected the same way
  }
}

void InFlightFlush::join() {
  if (worker_.joinable()) worker_.join();
}

}  // namespace sluice::operators::postgres
