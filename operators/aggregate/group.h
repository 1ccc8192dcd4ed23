// One group of an aggregate: its row count, one state slot per aggregate function, the
// arrival list (only when first/last/collect_list are used) and the last row emitted.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "operators/aggregate/agg_state.h"

namespace sluice::operators::aggregate {

struct Group {
  int64_t rows = 0;
  std::vector<Slot> slots;
  std::unique_ptr<Arrival> arrival;
  Object output;  // the last row emitted (valid when has_output)
  int64_t ts = 0; // newest input event time that touched the group
  bool has_output = false;
  bool touched = false;  // changed in the current batch
};

}  // namespace sluice::operators::aggregate
