// What the source and stage actors share about dead letters and failing: completing the
// dead-letter info of records an operator rejected (DSL.md §10), the reason given when
// on_error = fail stops the pipeline on one, and reporting an actor's failure.
#pragma once
#include <caf/event_based_actor.hpp>
#include <string>
#include <vector>

#include "base/event.h"
#include "engine/actors/stage_counters.h"
#include "engine/core/errc.h"

namespace sluice::engine {

struct DeadLetterStamp {
  std::string stage;
  error_code code;          // overrides the operator's code when set
  error_code default_code;  // when neither sets one
  std::string message;      // overrides the operator's message when not empty
  int attempts = 0;         // overrides when > 0
  int input = 0;            // DeadLetterInfo::input
};

// Completes every record's DeadLetterInfo (stage, code, redacted message, attempts, time),
// counts them and keeps copies of the recent ones for the management API.
void stamp_dead_letters(std::vector<Event>& dead, const DeadLetterStamp& stamp,
                        StageCounters& counters);

// "WHAT 'NAME' failed on the record at position P (KIND, MODULE.CODE): MESSAGE" for
// on_error = fail.
std::string dead_letter_failure(const std::string& what, const std::string& name, const Event& e);

// Logs the (redacted) reason, tells the supervisor and quits the actor.
void fail_actor(caf::event_based_actor* self, const caf::actor& supervisor,
                const std::string& pipeline, const std::string& reason, bool permanent);

}  // namespace sluice::engine
