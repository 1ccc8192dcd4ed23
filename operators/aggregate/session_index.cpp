#include "operators/aggregate/session_index.h"

#include <algorithm>

namespace sluice::operators::aggregate {

bool SessionIndex::EndLess::operator()(const std::tuple<int64_t, Value, int64_t>& a,
                                       const std::tuple<int64_t, Value, int64_t>& b) const {
  if (std::get<0>(a) != std::get<0>(b)) return std::get<0>(a) < std::get<0>(b);
  ValueLess less;
  if (less(std::get<1>(a), std::get<1>(b))) return true;
  if (less(std::get<1>(b), std::get<1>(a))) return false;
  return std::get<2>(a) < std::get<2>(b);
}

std::optional<SessionIndex::Session> SessionIndex::holding(const Value& base, int64_t t) const {
  auto k = by_key_.find(base);
  if (k == by_key_.end()) return std::nullopt;
  auto it = k->second.upper_bound(t);  // the first session starting after t
  if (it == k->second.begin()) return std::nullopt;
  --it;
  if (t < it->second.end) return it->second;
  return std::nullopt;
}

std::vector<SessionIndex::Session> SessionIndex::overlapping(const Value& base, int64_t lo,
                                                             int64_t hi) const {
  std::vector<Session> out;
  auto k = by_key_.find(base);
  if (k == by_key_.end()) return out;
  // Sessions do not overlap, so both their starts and their ends ascend.
  auto it = k->second.lower_bound(hi);
  while (it != k->second.begin()) {
    --it;
    if (it->second.end <= lo) break;
    out.push_back(it->second);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::optional<SessionIndex::Session> SessionIndex::find(const Value& base, int64_t start) const {
  auto k = by_key_.find(base);
  if (k == by_key_.end()) return std::nullopt;
  auto it = k->second.find(start);
  if (it == k->second.end()) return std::nullopt;
  return it->second;
}

void SessionIndex::put(const Value& base, const Session& s) {
  Starts& starts = by_key_[base];
  auto it = starts.find(s.start);
  if (it != starts.end()) by_end_.erase({it->second.end, base, s.start});
  starts[s.start] = s;
  by_end_.insert({s.end, base, s.start});
}

void SessionIndex::erase(const Value& base, int64_t start) {
  auto k = by_key_.find(base);
  if (k == by_key_.end()) return;
  auto it = k->second.find(start);
  if (it == k->second.end()) return;
  by_end_.erase({it->second.end, base, start});
  k->second.erase(it);
  if (k->second.empty()) by_key_.erase(k);
}

std::vector<SessionIndex::Closed> SessionIndex::take_closed(int64_t limit) {
  std::vector<Closed> out;
  while (!by_end_.empty() && std::get<0>(*by_end_.begin()) <= limit) {
    const auto& [end, base, start] = *by_end_.begin();
    auto s = find(base, start);
    if (s) out.push_back({base, *s});
    erase(Value(base), start);  // (a copy: erase removes the tuple base refers to)
  }
  return out;
}

void SessionIndex::clear() {
  by_key_.clear();
  by_end_.clear();
}

void SessionIndex::encode(std::string& out) const {
  using namespace state_codec;
  put_uint(by_end_.size(), out);
  for (const auto& [base, starts] : by_key_) {
    for (const auto& [start, s] : starts) {
      state_codec::put(base, out);
      put_int(s.start, out);
      put_int(s.end, out);
      put_uint(static_cast<uint64_t>(s.type), out);
    }
  }
}

void SessionIndex::decode(state_codec::Reader& r) {
  clear();
  uint64_t n = r.uint64();
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    Value base = r.value();
    Session s;
    s.start = r.int64();
    s.end = r.int64();
    s.type = static_cast<Type>(r.uint64());
    if (r.ok()) put(base, s);
  }
}

}  // namespace sluice::operators::aggregate
