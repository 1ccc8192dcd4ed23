// The postgres sink's counters (PostgresSink::stats()).
#pragma once
#include <cstdint>

namespace sluice::operators::postgres {

struct SinkStats {
  uint64_t rows = 0;          // rows applied (after collapsing)
  uint64_t transactions = 0;  // committed flushes
  uint64_t dead = 0;          // records dead-lettered
  uint64_t split_attempts = 0;
  uint64_t direct_copies = 0;   // table batches COPied straight into the target
  uint64_t replay_skipped = 0;  // replayed events dropped because the target held them
  uint64_t binary_copies = 0;   // COPYs sent in binary format
  uint64_t pipelined = 0;       // flushes run while the sink went on (batch.pipelined)
  uint64_t planned_ahead = 0;   // of those, planned while the flush before still committed
};

}  // namespace sluice::operators::postgres
