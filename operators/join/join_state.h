// The state of a `join` stage: per join key each input's latest row (with the event time of
// the change that stored it) and the last output, plus a time index of when each entry's
// oldest row expires (with `ttl`).
//
// Memory backend: every entry in a hash map, the time index in an ordered set.
// Disk backend (state::KeyedStore): entries under `\x00<key>`, the time index under
// `\x01<expiry, 8 bytes big-endian, sign flipped><key>` (empty values), so that the due entries
// are one range scan. Entries are loaded on demand into a decoded cache; the entries changed
// in a batch are written back by flush(), which also clears the cache when it grew too large.
//
// Checkpoint formats: "JOIN2;" the whole state inline in key order (the memory backend's
// checkpoint and checkpoint_state() of both: equal states give equal text), "JOIN3;" a header
// and a reference to a store checkpoint, "JOIN1;" the inline format before change times were
// kept (read only: its rows count as changed at the restore). open() takes each in either
// backend.
#pragma once
#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/value.h"
#include "operators/aggregate/agg_state.h"
#include "operators/aggregate/state_codec.h"
#include "operators/common/state/keyed_store.h"

namespace sluice::operators::join {

struct JoinEntry {
  std::vector<Object> rows;
  std::vector<bool> has;
  std::vector<int64_t> changed;  // per input: Event::ts of the change that stored its row
  Object output;
  bool has_output = false;
  // Bookkeeping, not state: where the time index files the entry (kNever = nowhere) and
  // whether it changed in this batch.
  int64_t indexed = 0;
  bool dirty = false;

  bool empty() const;
};

struct JoinStateOptions {
  std::string stage;
  size_t n_inputs = 0;
  int64_t ttl_us = 0;          // 0 = rows never expire
  std::vector<bool> expiring;  // per input: its rows expire after ttl_us
  bool want_disk = false;
  state::StoreOptions store;
  size_t cache_limit = 0;  // decoded entries kept between batches (disk backend)
};

class JoinState {
 public:
  static constexpr int64_t kNever = INT64_MAX;

  explicit JoinState(JoinStateOptions opts) : o_(std::move(opts)) {}

  result<void> open(const std::string& blob);
  // The entry of key (loaded from the store when needed), nullptr when it has no state.
  JoinEntry* find(const Value& key);
  // Disk backend: reads the entries of `keys` not decoded yet with one multi_get (a batch's
  // keys, before it is applied); those the store lacks are not asked again until flush().
  void prefetch(const std::vector<Value>& keys);
  // The entry of key, created when missing; marked as changed in this batch.
  JoinEntry& touch(const Value& key);
  // Writes the entries changed since the last flush (store and time index) and drops empty
  // ones. Throws state::store_error when the store fails.
  void flush();
  // Keys of entries with a row due to expire before `clock` (at most `max`).
  std::vector<Value> due(int64_t clock, size_t max);
  // When input i's row of en expires (kNever without ttl for it).
  int64_t expiry(const JoinEntry& en, size_t input) const;

  // The event-time clock: the latest Event::ts seen.
  int64_t clock() const { return clock_; }
  void advance(int64_t ts) { clock_ = std::max(clock_, ts); }

  std::string canonical() const;
  result<std::string> checkpoint(uint64_t id);
  void committed(uint64_t id);
  size_t size() const;
  bool on_disk() const { return store_ != nullptr; }

 private:
  struct IndexLess {
    bool operator()(const std::pair<int64_t, Value>& a, const std::pair<int64_t, Value>& b) const {
      if (a.first != b.first) return a.first < b.first;
      return aggregate::ValueLess()(a.second, b.second);
    }
  };

  JoinEntry blank() const;
  JoinEntry* load(const Value& key, const std::string& stored);
  int64_t entry_expiry(const JoinEntry& en) const;
  void reindex(const Value& key, JoinEntry& en);
  void encode(const JoinEntry& en, std::string& out) const;
  bool decode(state_codec::Reader& r, JoinEntry& en, bool with_times, int64_t default_time) const;
  void put_entry(const Value& key, const JoinEntry& en);
  std::string entry_key(const Value& key) const;
  std::string index_key(int64_t expiry, const Value& key) const;
  void scan_entries(const std::function<void(const Value&, std::string_view)>& fn) const;
  result<void> load_inline(state_codec::Reader& r, bool with_times);
  result<void> open_disk(state_codec::Reader& r);
  result<void> rebuild_index();
  result<void> write();
  std::string where() const { return "join " + o_.stage + ": "; }

  JoinStateOptions o_;
  int64_t clock_ = 0;
  // Every entry (memory backend), or a cache of decoded entries in front of the store.
  std::unordered_map<Value, JoinEntry, ValueHash> entries_;
  std::set<std::pair<int64_t, Value>, IndexLess> index_;  // memory backend
  std::unique_ptr<state::KeyedStore> store_;
  int64_t next_due_ = INT64_MIN;  // disk: no indexed expiry is below this
  std::vector<Value> dirty_;
  std::string key_buf_, val_buf_;
  std::unordered_set<Value, ValueHash> absent_;  // prefetch(): keys the store lacks
  std::vector<std::string> fetch_keys_, fetch_vals_;
  std::vector<Value> fetch_for_;
  std::vector<bool> fetch_found_;
};

}  // namespace sluice::operators::join
