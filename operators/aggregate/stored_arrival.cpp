#include "operators/aggregate/stored_arrival.h"

#include <vector>

#include "base/sort_key.h"

namespace sluice::operators::aggregate {
namespace {

void encode_entry(const ArrivalEntry& e, std::string& out) {
  state_codec::put(e.row_id, out);
  state_codec::put_uint(e.vals.size(), out);
  for (const Value& v : e.vals) state_codec::put(v, out);
}

ArrivalEntry decode_entry(std::string_view text) {
  state_codec::Reader r(text);
  ArrivalEntry e;
  e.row_id = r.value();
  uint64_t n = r.uint64();
  for (uint64_t j = 0; j < n && r.ok(); ++j) e.vals.push_back(r.value());
  return e;
}

bool same_values(const List& a, const List& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!(a[i] == b[i])) return false;
  }
  return true;
}

}  // namespace

StoredArrival::StoredArrival(state::KeyedStore* store, const std::string& group)
    : store_(store), a_lo_("a" + group), a_hi_("a" + group), r_prefix_("r" + group) {
  a_lo_.push_back('\0');  // (the group key encoding is self-delimiting)
  a_hi_.push_back('\x01');
}

std::string StoredArrival::seq_key(uint64_t seq) const {
  std::string k = a_lo_;
  append_be64(seq, k);
  return k;
}

std::string StoredArrival::row_key(const Value& row_id) const {
  std::string k = r_prefix_;
  append_sort_key(row_id, k);
  return k;
}

bool StoredArrival::read(uint64_t seq, ArrivalEntry& e) const {
  std::string v;
  if (!store_->get(seq_key(seq), v)) return false;
  e = decode_entry(v);
  return true;
}

void StoredArrival::add(uint64_t seq, ArrivalEntry e) {
  std::string v;
  encode_entry(e, v);
  store_->put(seq_key(seq), v);
  if (!e.row_id.is_null()) {
    std::string s;
    state_codec::put_uint(seq, s);
    store_->put(row_key(e.row_id), s);
  }
}

void StoredArrival::erase(uint64_t seq) {
  ArrivalEntry e;
  if (!read(seq, e)) return;
  if (!e.row_id.is_null()) {
    std::string v;
    const std::string rk = row_key(e.row_id);
    if (store_->get(rk, v) && state_codec::Reader(v).uint64() == seq) store_->erase(rk);
  }
  store_->erase(seq_key(seq));
}

std::optional<uint64_t> StoredArrival::retract(const Value& row_id, const List& vals) {
  if (!row_id.is_null()) {
    std::string v;
    const std::string rk = row_key(row_id);
    ArrivalEntry e;
    if (store_->get(rk, v)) {
      uint64_t seq = state_codec::Reader(v).uint64();
      if (read(seq, e) && same_values(e.vals, vals)) {
        store_->erase(seq_key(seq));
        store_->erase(rk);
        return seq;
      }
    }
  }
  // No id (or another row under it): the oldest row with the same values.
  std::optional<uint64_t> found;
  store_->scan(a_lo_, a_hi_, [&](std::string_view k, std::string_view v) {
    if (!same_values(decode_entry(v).vals, vals)) return true;
    found = read_be64(k.substr(a_lo_.size()));
    return false;
  });
  if (found) erase(*found);
  return found;
}

Value StoredArrival::at(bool last, size_t i) const {
  std::string v;
  bool ok = last ? store_->last_in(a_lo_, a_hi_, v) : store_->first_in(a_lo_, a_hi_, v);
  if (!ok) return Value::null();
  ArrivalEntry e = decode_entry(v);
  return i < e.vals.size() ? e.vals[i] : Value::null();
}

Value StoredArrival::first(size_t i) const { return at(false, i); }

Value StoredArrival::last(size_t i) const { return at(true, i); }

Value StoredArrival::collect(size_t i) const {
  List l;
  store_->scan(a_lo_, a_hi_, [&](std::string_view, std::string_view v) {
    ArrivalEntry e = decode_entry(v);
    if (i < e.vals.size() && !e.vals[i].is_null()) l.push_back(std::move(e.vals[i]));
    return true;
  });
  return Value::list(std::move(l));
}

void StoredArrival::encode(std::string& out) const {
  std::string entries;
  uint64_t n = 0;
  store_->scan(a_lo_, a_hi_, [&](std::string_view k, std::string_view v) {
    state_codec::put_uint(read_be64(k.substr(a_lo_.size())), entries);
    entries.append(v);
    ++n;
    return true;
  });
  state_codec::put_uint(n, out);
  out += entries;
}

void StoredArrival::absorb(StoredArrival& other) {
  std::vector<std::pair<uint64_t, std::string>> moved;
  store_->scan(other.a_lo_, other.a_hi_, [&](std::string_view k, std::string_view v) {
    moved.emplace_back(read_be64(k.substr(other.a_lo_.size())), std::string(v));
    return true;
  });
  other.clear();
  for (auto& [seq, v] : moved) add(seq, decode_entry(v));
}

void StoredArrival::clear() {
  std::vector<std::string> keys;
  auto collect_keys = [&](std::string_view k, std::string_view) {
    keys.emplace_back(k);
    return true;
  };
  store_->scan(a_lo_, a_hi_, collect_keys);
  std::string r_hi = r_prefix_;
  r_hi.push_back('\xff');
  store_->scan(r_prefix_, r_hi, collect_keys);
  for (const auto& k : keys) store_->erase(k);
}

}  // namespace sluice::operators::aggregate
