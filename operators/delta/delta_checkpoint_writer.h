// Writes a classic Delta checkpoint (Delta protocol, "Checkpoints", V1 spec) of a table's
// state: `_delta_log/<version, 20 digits>.checkpoint.parquet`, one row per action (protocol,
// metaData, a txn per appId, every live add with its stats as JSON text, the tombstones not yet
// expired) in the columns of delta_checkpoint_schema(), published put-if-absent (a checkpoint
// is written once; one already there is taken as it is), then `_delta_log/_last_checkpoint`
// ({"version", "size", "sizeInBytes", "numOfAddFiles"}), replaced.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/value.h"
#include "operators/delta/delta_log.h"
#include "operators/delta/table_store.h"

namespace sluice::operators::delta {

class DeltaCheckpointWriter {
 public:
  // Tombstones are kept this long after their deletionTimestamp (Delta's default
  // delta.deletedFileRetentionDuration: one week).
  static constexpr int64_t kTombstoneRetentionMillis = 7LL * 24 * 3600 * 1000;

  // Writes the checkpoint of `state` at `version`; now: millis, for the tombstones' expiry.
  // Errors: errc::log (a state that cannot be checkpointed: no protocol or metaData, a
  // partitioned table) or the store's.
  static result<void> write(TableStore& store, int64_t version, const DeltaLogState& state,
                            int64_t now);
  // "_delta_log/00000000000000000010.checkpoint.parquet".
  static std::string checkpoint_path(int64_t version);

  // The rows of the checkpoint (each a Value per column of delta_checkpoint_schema()).
  static result<std::vector<std::vector<Value>>> rows(const DeltaLogState& state, int64_t now);

 private:
  static result<Value> protocol_row(const Value& p);
  static result<Value> metadata_row(const Value& m);
  static Value add_row(const AddFile& a);
  static Value remove_row(const std::string& path, const DeltaTombstone& t);
};

}  // namespace sluice::operators::delta
