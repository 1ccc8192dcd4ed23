// Runs one unordered bulk write. The sink talks to MongoDB only through this interface, so
// its error handling (dead letters by index, splitting, transient errors) is tested with
// hand-made server replies (tests/unit/mongodb) as well as with libmongoc (MongocExecutor).
#pragma once
#include <bson/bson.h>

#include <string>
#include <utility>
#include <vector>

#include "operators/mongodb/bson_doc.h"
#include "operators/mongodb/write_op.h"

namespace sluice::operators::mongodb {

struct BulkOutcome {
  bool ok = true;
  bson_error_t error{};  // when !ok
  BsonDoc reply;         // the server's reply (writeErrors, writeConcernErrors, errorLabels)
  // sent[i] = the position in the `ops` argument of the i-th operation of the bulk write
  // (the `index` in writeErrors); ops the driver refused before sending are in `rejected`.
  std::vector<size_t> sent;
  std::vector<std::pair<size_t, std::string>> rejected;
};

class BulkExecutor {
 public:
  virtual ~BulkExecutor() = default;
  // `ordered`: the server applies the ops in order and stops at the first write error.
  virtual BulkOutcome execute(const std::string& collection, const std::vector<const WriteOp*>& ops,
                              bool ordered) = 0;
};

}  // namespace sluice::operators::mongodb
