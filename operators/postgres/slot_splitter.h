// Splits a postgres sink flush's groups over its slots (docs/ods.md "Parallel connections"):
// each row goes to its home slot, by a hash of its key (append mode: by its event seq), so
// one key always goes through the same connection; a serial flush gives everything to slot 0.
// After a restart the rows a slot already holds (ReplayGate::drop_until) are left out.
#pragma once
#include <cstdint>
#include <vector>

#include "operators/postgres/replay_gate.h"
#include "operators/postgres/sink_options.h"
#include "operators/postgres/write_group.h"

namespace sluice::operators::postgres {

class SlotSplitter {
 public:
  SlotSplitter(size_t slots, Mode mode, const ReplayGate& gate)
      : slots_(slots), mode_(mode), gate_(gate) {}

  // Per slot, its groups; `first_seq` is the seq of the flush's first event. A serial split
  // moves the groups, a parallel one copies their items.
  std::vector<std::vector<WriteGroup>> split(std::vector<WriteGroup>& groups, int64_t first_seq,
                                             bool serial) const;

 private:
  size_t home_slot(const WriteItem& it, int64_t first_seq) const;
  // The slot's replay share holds this item already.
  bool held(const WriteItem& it, size_t home, int64_t first_seq) const;
  std::vector<std::vector<WriteGroup>> serial_jobs(std::vector<WriteGroup>& groups,
                                                   int64_t first_seq) const;
  std::vector<std::vector<WriteGroup>> parallel_jobs(const std::vector<WriteGroup>& groups,
                                                     int64_t first_seq) const;

  size_t slots_;
  Mode mode_;
  const ReplayGate& gate_;
};

}  // namespace sluice::operators::postgres
