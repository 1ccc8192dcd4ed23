// The two sides of one compared chunk (the source's rows and the target's, each by key with the
// sum of their hashes) and the tally that adds a chunk to a TableDiff: the counts always, the
// rows that differ only when the chunk's checksums (row count + hash sum) differ.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "reconcile/row_digest.h"
#include "reconcile/table_diff.h"

namespace sluice::reconcile {

struct ChunkSide {
  std::map<std::string, RowDigest> rows;
  uint64_t sum = 0;
  void add(RowDigest&& d);
};

// Adds the chunk (`src` read from the source, `dst` from the target) to `diff`.
void tally_chunk(const ChunkSide& src, const ChunkSide& dst, TableDiff& diff);

}  // namespace sluice::reconcile
