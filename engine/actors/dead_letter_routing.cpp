#include "engine/actors/dead_letter_routing.h"

#include <memory>

#include "base/logger.h"
#include "base/secrets.h"
#include "engine/actors/clock.h"
#include "engine/actors/messages.h"

namespace sluice::engine {

void stamp_dead_letters(std::vector<Event>& dead, const DeadLetterStamp& stamp,
                        StageCounters& counters) {
  counters.dead.fetch_add(dead.size(), std::memory_order_relaxed);
  const int64_t now = wall_clock_us();
  for (auto& e : dead) {
    auto info = std::make_shared<DeadLetterInfo>();
    if (e.dead_letter) *info = *e.dead_letter;
    info->stage = stamp.stage;
    if (stamp.code) info->code = stamp.code;
    if (!info->code) info->code = stamp.default_code;
    if (!stamp.message.empty()) info->message = stamp.message;
    info->message = secrets::redact(info->message);
    if (stamp.attempts > 0) info->attempts = stamp.attempts;
    if (info->attempts < 1) info->attempts = 1;
    info->input = stamp.input;
    info->at = now;
    e.dead_letter = std::move(info);
  }
  counters.dead_letters.push(dead);
}

std::string dead_letter_failure(const std::string& what, const std::string& name, const Event& e) {
  return what + " '" + name + "' failed on the record at position " + e.position.to_display() +
         " (" + e.dead_letter->kind() + ", " + e.dead_letter->code.qualified() +
         "): " + e.dead_letter->message;
}

void fail_actor(caf::event_based_actor* self, const caf::actor& supervisor,
                const std::string& pipeline, const std::string& reason, bool permanent) {
  std::string r = secrets::redact(reason);
  log::error("engine", pipeline + ": " + r);
  self->send(supervisor, fail_atom::value, r, permanent);
  self->quit(caf::make_error(caf::sec::runtime_error, r));
}

}  // namespace sluice::engine
