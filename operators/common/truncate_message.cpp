#include "operators/common/truncate_message.h"

namespace sluice::operators {

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

}  // namespace sluice::operators
