// The arrival list of one group (first/last/collect_list) as state store entries, so that a
// group with many rows is never read whole:
//   'a' + group key + 8-byte big-endian arrival number -> row id, argument values
//   'r' + group key + sort_key(row id)                  -> arrival number of that row
// first/last are a seek, collect a range read, a retraction by row id two point reads.
#pragma once
#include <string>

#include "operators/aggregate/agg_state.h"
#include "operators/common/state/keyed_store.h"

namespace sluice::operators::aggregate {

class StoredArrival : public ArrivalList {
 public:
  // group: the group key's state_codec encoding.
  StoredArrival(state::KeyedStore* store, const std::string& group);

  void add(uint64_t seq, ArrivalEntry e) override;
  void erase(uint64_t seq) override;
  std::optional<uint64_t> retract(const Value& row_id, const List& vals) override;
  Value first(size_t i) const override;
  Value last(size_t i) const override;
  Value collect(size_t i) const override;
  void encode(std::string& out) const override;
  // Removes every entry (the group is gone).
  void clear();
  // Moves every entry of `other` (another group's list) into this one, keeping its arrival
  // number: merged lists stay in arrival order (session windows merging).
  void absorb(StoredArrival& other);

 private:
  std::string seq_key(uint64_t seq) const;
  std::string row_key(const Value& row_id) const;
  bool read(uint64_t seq, ArrivalEntry& e) const;
  Value at(bool last, size_t i) const;

  state::KeyedStore* store_;
  std::string a_lo_, a_hi_, r_prefix_;
};

}  // namespace sluice::operators::aggregate
