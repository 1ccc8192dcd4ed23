// The operations of one flush that go to one collection (one unordered bulk write; an ordered
// one for the changes of a table without a key, whose order matters).
#pragma once
#include <string>
#include <vector>

#include "operators/mongodb/write_op.h"

namespace sluice::operators::mongodb {

struct CollectionBatch {
  std::string collection;
  std::vector<WriteOp> ops;
  bool ordered = false;
};

}  // namespace sluice::operators::mongodb
