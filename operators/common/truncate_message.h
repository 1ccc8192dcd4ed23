// The dead-letter message of a truncate event (Op::Truncate) reaching a stateful stage
// (aggregate, join) that cannot retract the truncated table's rows.
#pragma once
#include <cstdint>
#include <string>

#include "base/event.h"

namespace sluice::operators {

// `what` is the stage type ("aggregate", "join"); `n` counts the truncates the stage saw.
std::string truncate_message(const Event& e, uint64_t n, const char* what);

}  // namespace sluice::operators
