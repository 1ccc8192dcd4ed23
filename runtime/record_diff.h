// The diff a failing `expect` prints: expected records against received events, aligned by a
// longest common subsequence, then what differs field by field in each mismatched pair.
#pragma once
#include <string>
#include <vector>

#include "base/event.h"

namespace sluice::runtime {

// "" when `actual` is exactly `expected` (same records, same order). Otherwise lines
// "    REC" (matched), "  - REC" (expected, not received), "  + REC" (received, not
// expected), and under each mismatched pair "      field: expected X (type), got Y (type)".
std::string record_diff(const std::vector<Object>& expected, const std::vector<Event>& actual);

}  // namespace sluice::runtime
