#include "reconcile/chunk_sides.h"

#include <utility>

namespace sluice::reconcile {

void ChunkSide::add(RowDigest&& d) {
  sum += d.hash;
  std::string key = d.key;
  rows[std::move(key)] = std::move(d);
}

void tally_chunk(const ChunkSide& src, const ChunkSide& dst, TableDiff& diff) {
  ++diff.chunks;
  diff.source_rows += src.rows.size();
  diff.target_rows += dst.rows.size();
  if (src.rows.size() == dst.rows.size() && src.sum == dst.sum) return;
  ++diff.differing_chunks;
  for (const auto& [k, row] : src.rows) {
    auto it = dst.rows.find(k);
    if (it == dst.rows.end()) {
      diff.missing.push_back(row.key_text);
    } else if (it->second.hash != row.hash) {
      diff.different.push_back(row.key_text);
    }
  }
  for (const auto& [k, row] : dst.rows) {
    if (src.rows.count(k) != 0) continue;
    diff.extra.push_back(row.key_text);
    if (!row.key_value.is_null()) diff.extra_ids.push_back(row.key_value);
  }
}

}  // namespace sluice::reconcile
