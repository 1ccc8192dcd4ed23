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
      std::vector<size_t> columns;
      const auto& theirs = it->second.cells;
      for (size_t i = 0; i < row.cells.size() && i < theirs.size(); ++i) {
        if (row.cells[i] != theirs[i]) columns.push_back(i);
      }
      diff.different_columns.push_back(std::move(columns));
    }
  }
  for (const auto& [k, row] : dst.rows) {
    if (src.rows.count(k) != 0) continue;
    diff.extra.push_back(row.key_text);
    if (!row.key_value.is_null()) diff.extra_ids.push_back(row.key_value);
  }
}

}  // namespace sluice::reconcile
