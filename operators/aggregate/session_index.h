// The open sessions of a `window session(GAP)` aggregate: per group key (the key without the
// window part) its sessions start -> end (they never overlap), and all of them ordered by end,
// so that closing takes the ended ones without looking at the others. It lives in memory and
// in the checkpoint header (one entry per open session, whatever the state backend).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "base/value.h"
#include "operators/aggregate/agg_state.h"
#include "operators/aggregate/state_codec.h"

namespace sluice::operators::aggregate {

class SessionIndex {
 public:
  struct Session {
    int64_t start = 0;
    int64_t end = 0;
    Type type = Type::DateTime;  // of the window FIELD when the session started
  };
  struct Closed {
    Value base;
    Session s;
  };

  // The session of `base` holding t (start <= t < end).
  std::optional<Session> holding(const Value& base, int64_t t) const;
  // The sessions of `base` overlapping [lo, hi), by start.
  std::vector<Session> overlapping(const Value& base, int64_t lo, int64_t hi) const;
  std::optional<Session> find(const Value& base, int64_t start) const;
  // Inserts the session or changes its end.
  void put(const Value& base, const Session& s);
  void erase(const Value& base, int64_t start);
  // Removes and returns the sessions ending at or before `limit`, by end.
  std::vector<Closed> take_closed(int64_t limit);
  size_t size() const { return by_end_.size(); }
  void clear();

  void encode(std::string& out) const;  // in key order: equal indexes give equal text
  void decode(state_codec::Reader& r);

 private:
  using Starts = std::map<int64_t, Session>;
  struct EndLess {
    bool operator()(const std::tuple<int64_t, Value, int64_t>& a,
                    const std::tuple<int64_t, Value, int64_t>& b) const;
  };
  std::map<Value, Starts, ValueLess> by_key_;
  std::set<std::tuple<int64_t, Value, int64_t>, EndLess> by_end_;
};

}  // namespace sluice::operators::aggregate
