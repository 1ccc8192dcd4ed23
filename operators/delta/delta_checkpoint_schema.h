// The Parquet schema of the log checkpoints sink delta writes (Delta protocol, "Checkpoint
// Schema", V1 spec): one optional struct column per action — txn, add, remove, metaData,
// protocol, in this order — with the maps (partitionValues, format.options, configuration) and
// the list (partitionColumns) the actions need. A row holds one action; the other columns
// are null.
#pragma once
#include <cstddef>

#include "operators/delta/parquet_nested_schema.h"

namespace sluice::operators::delta {

// The columns' positions in a checkpoint row.
enum DeltaCheckpointColumn : size_t {
  kCheckpointTxn = 0,
  kCheckpointAdd = 1,
  kCheckpointRemove = 2,
  kCheckpointMetaData = 3,
  kCheckpointProtocol = 4,
  kCheckpointColumns = 5
};

ParquetNestedSchema delta_checkpoint_schema();

}  // namespace sluice::operators::delta
