// One group of an aggregate: its row count, one state slot per aggregate function and the
// arrival list (only when first/last/collect_list are used). The output row is not stored:
// it is a function of the state (recomputed when the group is first touched in a batch, to
// serve as the before image).
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "operators/aggregate/agg_state.h"

namespace sluice::operators::aggregate {

struct Group {
  int64_t rows = 0;
  std::vector<Slot> slots;
  std::unique_ptr<ArrivalList> arrival;  // first/last/collect_list only
  // State on disk: the current min/max of each min/max slot (null when empty), kept so that
  // adding a value needs no seek; only removing the extreme value seeks the next one.
  std::vector<Value> extremes;
  int64_t ts = 0;        // newest input event time that touched the group
  bool touched = false;  // changed in the current batch
};

}  // namespace sluice::operators::aggregate
