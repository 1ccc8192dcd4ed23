// Finds and reads the checkpoint a load of a Delta log starts from (Delta protocol,
// "Checkpoints", "Last Checkpoint File"): the newest classic checkpoint
// (`<version>.checkpoint.parquet`) of the log's listing, checked against `_last_checkpoint`,
// read with ParquetNestedReader and handed over action by action, each as a JSON commit line
// would be ({"add": {...}}). What it does not read is an errc::log error that says so:
// multi-part and v2 checkpoints (when no classic one as new exists), checkpoints with
// checkpointMetadata or sidecar actions, Parquet it does not decode, a corrupt file.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/value.h"
#include "operators/delta/table_store.h"

namespace sluice::operators::delta {

class DeltaCheckpointReader {
 public:
  // The version of the checkpoint to start from (-1: none), given the names of the entries of
  // _delta_log.
  static result<int64_t> choose(TableStore& store, const std::vector<std::string>& names);
  // Reads the classic checkpoint of `version` and calls apply with each of its actions (which
  // apply may move from), in file order.
  static result<void> read(TableStore& store, int64_t version,
                           const std::function<result<void>(Value& action)>& apply);
  // The name of a checkpoint this reader does not read (multi-part, v2) at `version` or later,
  // for the message of a log whose commits are gone; "" when there is none.
  static std::string unreadable_from(const std::vector<std::string>& names, int64_t version);

 private:
  // What _last_checkpoint says: the version of the last checkpoint, and why this reader does
  // not read it (empty: it does).
  struct Last {
    int64_t version = -1;
    std::string unreadable;
  };
  static result<Last> last_checkpoint(TableStore& store);
  static result<void> apply_row(Object& row, const std::string& file,
                                const std::function<result<void>(Value& action)>& apply);
};

}  // namespace sluice::operators::delta
