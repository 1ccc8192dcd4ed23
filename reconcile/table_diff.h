// What comparing one source table (or collection) with its copy found: the counts, the chunks
// whose checksums differed, and the keys missing from the copy, extra in it, or different.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/value.h"

namespace sluice::reconcile {

struct TableDiff {
  std::string source;  // db.table (db.collection)
  std::string target;  // the target's name
  uint64_t source_rows = 0, target_rows = 0;
  uint64_t chunks = 0, differing_chunks = 0;
  // Primary keys (text, one entry per key column).
  std::vector<std::vector<std::string>> missing, extra, different;
  // The compared columns (key columns first), when the side that compares knows them, and for
  // each of `different` the indexes of the columns whose values differ.
  std::vector<std::string> columns;
  std::vector<std::vector<size_t>> different_columns;
  // The extra keys as the target holds them (documents: the _id values a repair deletes).
  std::vector<Value> extra_ids;
  // Source rows that could not be compared (a MongoDB document that does not decode), as text.
  std::vector<std::string> not_compared;
  bool in_sync() const { return missing.empty() && extra.empty() && different.empty(); }
};

}  // namespace sluice::reconcile
