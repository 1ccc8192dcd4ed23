// The changes an upsert table received since its last commit, collapsed: per key the last
// image or a delete; for a table without a key (the whole row is its identity) the rows
// inserted and the rows to delete, one for one, like PostgreSQL's REPLICA IDENTITY FULL.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/value.h"

namespace sluice::operators::delta {

class UpsertBatch {
 public:
  // Keyed: the row of `key` becomes `cells` (a row in the table's column order).
  void upsert(const std::string& key, std::vector<Value> cells, const Value& first_key);
  // Keyed: the row of `key` is deleted.
  void erase(const std::string& key, const Value& first_key);
  // Keyless: one more row.
  void insert(std::string identity, std::vector<Value> cells);
  // Keyless: one row equal to `identity` goes (an insert of this batch first, else a stored one).
  void erase_one(const std::string& identity);
  // Every stored row goes; the changes after it stay.
  void truncate();

  bool empty() const {
    return keyed_.empty() && inserts_.empty() && deletes_.empty() && !truncated_;
  }
  bool truncated() const { return truncated_; }
  // Whether a stored row with this key (identity) is replaced or deleted by the batch; for a
  // keyless identity the count of deletes it consumes.
  bool touches_key(const std::string& key) const { return keyed_.count(key) != 0; }
  bool take_delete(const std::string& identity);
  // The range of the first key column's values (for skipping files by their statistics);
  // Null when unknown.
  const Value& min_key() const { return min_key_; }
  const Value& max_key() const { return max_key_; }
  bool has_key_range() const { return !min_key_.is_null(); }
  // The rows to write: keyed rows not deleted, keyless inserts. Moves them out.
  std::vector<std::vector<Value>> take_rows();
  void clear();

 private:
  struct Keyed {
    bool deleted = false;
    std::vector<Value> cells;
  };
  void widen_range(const Value& k);
  Keyed& entry(const std::string& key);

  std::unordered_map<std::string, size_t> keyed_;  // key -> index in rows_
  std::vector<Keyed> rows_;                        // in the order keys first came
  std::vector<std::pair<std::string, std::vector<Value>>> inserts_;
  std::unordered_map<std::string, int64_t> deletes_;
  bool truncated_ = false;
  Value min_key_;
  Value max_key_;
  bool range_unknown_ = false;
};

// The canonical text of a key's (or identity's) values: equal values give equal text (1.5 and
// 1.50 alike), values of different kinds never do.
void append_key_part(const Value& v, std::string& out);

}  // namespace sluice::operators::delta
