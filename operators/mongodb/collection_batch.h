// The operations of one flush that go to one collection (one unordered bulk write).
#pragma once
#include <string>
#include <vector>

#include "operators/mongodb/write_op.h"

namespace sluice::operators::mongodb {

struct CollectionBatch {
  std::string collection;
  std::vector<WriteOp> ops;
};

}  // namespace sluice::operators::mongodb
