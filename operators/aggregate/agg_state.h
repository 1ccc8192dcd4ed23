// The per-group state of each aggregate function (DSL.md §7), exact under retraction:
// counts, exact sums (Decimal, never through double), and multisets (value -> count) for
// min/max/count_distinct/collect_set. first/last/collect_list read the group's Arrival list.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "base/value.h"
#include "operators/aggregate/state_codec.h"

namespace sluice::operators::aggregate {

enum class AggFn : uint8_t {
  CountAll,
  Count,
  CountDistinct,
  Sum,
  Avg,
  Min,
  Max,
  First,
  Last,
  CollectSet,
  CollectList
};

// nullopt for an unknown name or a wrong number of arguments.
std::optional<AggFn> agg_fn(const std::string& name, size_t nargs);
// first/last/collect_list: kept in the group's arrival order, not in a slot.
bool is_ordered(AggFn f);

// Total order for multiset keys: Value::compare, then the type (Int 1 and Decimal 1 stay
// apart; Decimal 1.5 and 1.50 are one key).
struct ValueLess {
  bool operator()(const Value& a, const Value& b) const {
    int c = Value::compare(a, b);
    if (c != 0) return c < 0;
    return a.type() < b.type();
  }
};

using Multiset = std::map<Value, int64_t, ValueLess>;

// sum/avg: exact sum of the Int/UInt/Decimal values in one Decimal; floats apart (a float sum
// is only as exact as doubles are). `scales` counts the decimal values per scale so that the
// result has the largest scale among the values still in the group.
struct SumState {
  int64_t n_int = 0, n_uint = 0, n_dec = 0, n_float = 0;
  Decimal sum;
  double fsum = 0;
  std::vector<std::pair<uint8_t, int64_t>> scales;
  int max_scale() const;
};

using Slot = std::variant<int64_t, SumState, Multiset>;

Slot make_slot(AggFn f);
// Throws eval::eval_error when the argument can never be accumulated (sum of a string).
void check_arg(AggFn f, const Value& arg);
// sign +1 adds, -1 retracts. Throws eval::eval_error (before changing anything) on a decimal
// sum overflow. Retracting a value the slot does not hold is ignored.
void apply(AggFn f, Slot& s, const Value& arg, int sign);
// min/max over an input of inserts only (nothing is ever retracted): the multiset keeps just
// the extreme as its one entry (Flink does the same where its planner knows the input holds
// inserts only). Adds `arg` (null: nothing); cannot throw but for memory.
void keep_extreme(AggFn f, Slot& s, const Value& arg);
// Drops every entry but the extreme (after merge() of such slots).
void prune_to_extreme(AggFn f, Slot& s);
// The slot's one entry as keep_extreme() left it (null when empty), and back.
Value extreme_of(const Slot& s);
void set_extreme(Slot& s, const Value& v);
// Adds the state `from` into `into` (session windows merging). Throws eval::eval_error on a
// decimal sum overflow (then `into` is partly merged: merge into a scratch group).
void merge(AggFn f, Slot& into, const Slot& from);
// The result for a group of `rows` rows (first/last/collect_list are not computed here).
Value agg_result(AggFn f, const Slot& s, int64_t rows);

void encode(const Slot& s, std::string& out);
void decode(AggFn f, Slot& s, state_codec::Reader& r);

// Rows of a group in arrival order (an update moves the row to the end), with the values of
// the group's first/last/collect_list arguments. Rows are identified by `row_id` (Event::key
// or the source primary key) so a retraction removes exactly that row; without an id, the
// oldest row with the same values is removed.
struct ArrivalEntry {
  Value row_id;
  List vals;
};

// The arrival list of a group: in memory (Arrival) or as state store entries (StoredArrival,
// stored_arrival.h).
class ArrivalList {
 public:
  virtual ~ArrivalList() = default;
  virtual void add(uint64_t seq, ArrivalEntry e) = 0;
  // Removes the entry numbered seq (undoing add).
  virtual void erase(uint64_t seq) = 0;
  // Removes the entry; returns its seq (for undo), nullopt when not found.
  virtual std::optional<uint64_t> retract(const Value& row_id, const List& vals) = 0;
  virtual Value first(size_t i) const = 0;
  virtual Value last(size_t i) const = 0;
  virtual Value collect(size_t i) const = 0;  // non-null values in order
  // The memory form's encoding (Arrival::encode), whichever the list is.
  virtual void encode(std::string& out) const = 0;
};

struct Arrival : ArrivalList {
  std::map<uint64_t, ArrivalEntry> by_seq;
  std::map<Value, uint64_t, ValueLess> by_row;

  void add(uint64_t seq, ArrivalEntry e) override;
  // Adds every entry of `other` (arrival numbers are unique across groups: the order holds).
  void merge(const Arrival& other);
  void erase(uint64_t seq) override;
  std::optional<uint64_t> retract(const Value& row_id, const List& vals) override;
  Value first(size_t i) const override;
  Value last(size_t i) const override;
  Value collect(size_t i) const override;
  void encode(std::string& out) const override;
  void decode(state_codec::Reader& r);
};

}  // namespace sluice::operators::aggregate
