#include "operators/common/keyed_state_processor.h"

#include "base/logger.h"
#include "engine/core/errc.h"
#include "operators/common/stage_options.h"

namespace sluice::operators {
namespace {

// A truncate names a table, not rows: these stages keep no per-table index of the rows they
// have folded in, so they cannot retract them. The event goes to the dead letters.
std::string truncate_message(const Event& e, uint64_t n, const char* what) {
  std::string t = e.source ? e.source->db + "." + e.source->table : std::string("?");
  return "TRUNCATE of " + t + " cannot be applied: this " + what +
         " keeps no per-table index of the rows it holds, so it cannot retract them (truncate "
         "#" +
         std::to_string(n) +
         " seen by this stage); its state still holds the truncated "
         "rows: rebuild it from a fresh snapshot if they must go";
}

}  // namespace

bool KeyedStateProcessor::dead_letter_truncate(Event& e, std::vector<Event>& dead) {
  if (e.op != Op::Truncate) return false;
  std::string m = truncate_message(e, ++truncates_, kind_);
  log::warn(kind_, stage_ + ": " + m);
  mark_dead(e, stage_, engine::errc::truncate_unsupported, m);
  dead.push_back(std::move(e));
  return true;
}

}  // namespace sluice::operators
