#include "operators/join/join_state.h"

#include "base/sort_key.h"
#include "base/temporal.h"

namespace sluice::operators::join {
namespace {

constexpr const char* kOldTag = "JOIN1;";    // inline, without change times (read only)
constexpr const char* kStateTag = "JOIN2;";  // the whole state inline
constexpr const char* kDiskTag = "JOIN3;";   // header + a reference to a store checkpoint
constexpr size_t kTagLen = 6;
constexpr char kEntryPrefix = '\x00';
constexpr char kIndexPrefix = '\x01';
constexpr int kWriteEvery = 4096;  // staged changes per store write while loading

int64_t saturating_add(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
  return r;
}

std::string index_signature(const JoinStateOptions& o) {
  std::string s = std::to_string(o.ttl_us) + ":";
  for (bool e : o.expiring) s.push_back(e ? '1' : '0');
  return s;
}

}  // namespace

bool JoinEntry::empty() const {
  if (has_output) return false;
  return std::find(has.begin(), has.end(), true) == has.end();
}

JoinEntry JoinState::blank() const {
  JoinEntry en;
  en.rows.resize(o_.n_inputs);
  en.has.assign(o_.n_inputs, false);
  en.changed.assign(o_.n_inputs, 0);
  en.indexed = kNever;
  return en;
}

int64_t JoinState::expiry(const JoinEntry& en, size_t input) const {
  if (o_.ttl_us <= 0 || !en.has[input] || !o_.expiring[input]) return kNever;
  return saturating_add(en.changed[input], o_.ttl_us);
}

int64_t JoinState::entry_expiry(const JoinEntry& en) const {
  int64_t e = kNever;
  for (size_t i = 0; i < o_.n_inputs; ++i) e = std::min(e, expiry(en, i));
  return e;
}

std::string JoinState::entry_key(const Value& key) const {
  std::string k(1, kEntryPrefix);
  state_codec::put(key, k);
  return k;
}

std::string JoinState::index_key(int64_t expiry, const Value& key) const {
  std::string k(1, kIndexPrefix);
  append_ordered_i64(expiry, k);
  state_codec::put(key, k);
  return k;
}

void JoinState::encode(const JoinEntry& en, std::string& out) const {
  for (size_t i = 0; i < o_.n_inputs; ++i) {
    if (en.has[i]) {
      state_codec::put(Value::object(en.rows[i]), out);
    } else {
      out.push_back('n');
    }
    state_codec::put_int(en.has[i] ? en.changed[i] : 0, out);
  }
  if (en.has_output) {
    state_codec::put(Value::object(en.output), out);
  } else {
    out.push_back('n');
  }
}

bool JoinState::decode(state_codec::Reader& r, JoinEntry& en, bool with_times,
                       int64_t default_time) const {
  for (size_t i = 0; i < o_.n_inputs; ++i) {
    Value v = r.value();
    if (v.type() == Type::Object) {
      en.rows[i] = std::move(v.as_object());
      en.has[i] = true;
    }
    int64_t t = with_times ? r.int64() : default_time;
    en.changed[i] = en.has[i] ? t : 0;
  }
  Value out = r.value();
  if (out.type() == Type::Object) {
    en.output = std::move(out.as_object());
    en.has_output = true;
  }
  return r.ok();
}

JoinEntry* JoinState::find(const Value& key) {
  auto it = entries_.find(key);
  if (it != entries_.end()) return &it->second;
  if (!store_ || absent_.count(key) != 0) return nullptr;
  if (!store_->get(entry_key(key), val_buf_)) return nullptr;
  return load(key, val_buf_);
}

void JoinState::prefetch(const std::vector<Value>& keys) {
  if (!store_) return;
  fetch_keys_.clear();
  fetch_for_.clear();
  for (const Value& k : keys) {
    if (entries_.count(k) != 0 || !absent_.insert(k).second) continue;
    fetch_keys_.push_back(entry_key(k));
    fetch_for_.push_back(k);
  }
  if (fetch_keys_.empty()) return;
  store_->multi_get(fetch_keys_, fetch_vals_, fetch_found_);
  for (size_t i = 0; i < fetch_keys_.size(); ++i) {
    if (!fetch_found_[i]) continue;
    absent_.erase(fetch_for_[i]);
    load(fetch_for_[i], fetch_vals_[i]);
  }
}

JoinEntry* JoinState::load(const Value& key, const std::string& stored) {
  JoinEntry en = blank();
  state_codec::Reader r(stored);
  if (!decode(r, en, true, 0) || !r.at_end()) {
    throw state::store_error(where() + "the stored state of key " + key.to_display() +
                             " is corrupt");
  }
  en.indexed = entry_expiry(en);  // stored entries are filed under their expiry
  return &entries_.emplace(key, std::move(en)).first->second;
}

JoinEntry& JoinState::touch(const Value& key) {
  JoinEntry* en = find(key);
  if (en == nullptr) en = &entries_.emplace(key, blank()).first->second;
  if (!en->dirty) {
    en->dirty = true;
    dirty_.push_back(key);
  }
  return *en;
}

void JoinState::reindex(const Value& key, JoinEntry& en) {
  const int64_t now = entry_expiry(en);
  if (now == en.indexed) return;
  if (store_) {
    if (en.indexed != kNever) store_->erase(index_key(en.indexed, key));
    if (now != kNever) store_->put(index_key(now, key), "");
    next_due_ = std::min(next_due_, now);
  } else {
    if (en.indexed != kNever) index_.erase({en.indexed, key});
    if (now != kNever) index_.emplace(now, key);
  }
  en.indexed = now;
}

void JoinState::put_entry(const Value& key, const JoinEntry& en) {
  val_buf_.clear();
  encode(en, val_buf_);
  store_->put(entry_key(key), val_buf_);
}

void JoinState::flush() {
  for (const Value& key : dirty_) {
    auto it = entries_.find(key);
    if (it == entries_.end()) continue;
    JoinEntry& en = it->second;
    en.dirty = false;
    reindex(key, en);
    if (en.empty()) {
      if (store_) store_->erase(entry_key(key));
      entries_.erase(it);
    } else if (store_) {
      put_entry(key, en);
    }
  }
  dirty_.clear();
  absent_.clear();
  if (!store_) return;
  auto w = store_->write();
  if (!w.ok()) throw state::store_error(where() + w.err().message);
  // Every cached entry is now in the store as it is: the cache can go at any time.
  if (entries_.size() > o_.cache_limit) entries_.clear();
}

std::vector<Value> JoinState::due(int64_t clock, size_t max) {
  std::vector<Value> keys;
  if (!store_) {
    for (auto it = index_.begin(); it != index_.end() && it->first < clock; ++it) {
      if (keys.size() >= max) break;
      keys.push_back(it->second);
    }
    return keys;
  }
  if (next_due_ >= clock) return keys;
  std::string lo(1, kIndexPrefix), hi(1, kIndexPrefix);
  append_ordered_i64(next_due_, lo);
  append_ordered_i64(clock, hi);
  int64_t last = next_due_;
  store_->scan(lo, hi, [&](std::string_view k, std::string_view) {
    if (keys.size() >= max) return false;
    last = read_ordered_i64(k.substr(1));
    state_codec::Reader r(k.substr(9));
    keys.push_back(r.value());
    return true;
  });
  if (keys.size() >= max) {
    next_due_ = last;  // more are due: the next call goes on from here
    return keys;
  }
  // All due ones are in keys (flush() files them anew); find the next one after them.
  next_due_ = kNever;
  std::string end(1, static_cast<char>(kIndexPrefix + 1));
  store_->scan(hi, end, [&](std::string_view k, std::string_view) {
    next_due_ = read_ordered_i64(k.substr(1));
    return false;
  });
  return keys;
}

void JoinState::scan_entries(const std::function<void(const Value&, std::string_view)>& fn) const {
  std::string lo(1, kEntryPrefix), hi(1, kIndexPrefix);
  store_->scan(lo, hi, [&](std::string_view k, std::string_view v) {
    state_codec::Reader r(k.substr(1));
    fn(r.value(), v);
    return true;
  });
}

size_t JoinState::size() const {
  if (!store_) return entries_.size();
  size_t n = 0;
  scan_entries([&](const Value&, std::string_view) { ++n; });
  return n;
}

std::string JoinState::canonical() const {
  std::vector<std::pair<Value, std::string>> sorted;
  if (store_) {
    scan_entries([&](const Value& k, std::string_view v) { sorted.emplace_back(k, v); });
  } else {
    sorted.reserve(entries_.size());
    for (const auto& [key, en] : entries_) {
      std::string v;
      encode(en, v);
      sorted.emplace_back(key, std::move(v));
    }
  }
  // In key order, so that equal states give equal text.
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return aggregate::ValueLess()(a.first, b.first); });
  std::string s = kStateTag;
  state_codec::put_uint(o_.n_inputs, s);
  state_codec::put_int(clock_, s);
  state_codec::put_uint(sorted.size(), s);
  for (const auto& [key, entry] : sorted) {
    state_codec::put(key, s);
    s += entry;
  }
  return s;
}

result<std::string> JoinState::checkpoint(uint64_t id) {
  if (!store_) return canonical();
  auto ref = store_->ckpt(id);
  if (!ref.ok()) return error::fatal(where() + ref.err().message);
  std::string s = kDiskTag;
  state_codec::put_uint(o_.n_inputs, s);
  state_codec::put_int(clock_, s);
  state_codec::put_str(index_signature(o_), s);
  state_codec::put_str(*ref, s);
  return s;
}

void JoinState::committed(uint64_t id) {
  if (store_) store_->committed(id);
}

result<void> JoinState::write() {
  auto w = store_->write();
  if (!w.ok()) return error::fatal(where() + w.err().message);
  return {};
}

result<void> JoinState::load_inline(state_codec::Reader& r, bool with_times) {
  const int64_t restored_at = temporal::now_micros();
  uint64_t count = r.uint64();
  for (uint64_t i = 0; i < count && r.ok(); ++i) {
    Value key = r.value();
    JoinEntry en = blank();
    if (!decode(r, en, with_times, restored_at)) break;
    if (store_) {
      put_entry(key, en);
      reindex(key, en);
      if (i % kWriteEvery == kWriteEvery - 1) {
        auto w = write();
        if (!w.ok()) return w;
      }
    } else {
      reindex(key, en);
      entries_.emplace(std::move(key), std::move(en));
    }
  }
  if (!r.ok() || !r.at_end()) {
    entries_.clear();
    index_.clear();
    return error::fatal(where() + "checkpoint state is corrupt");
  }
  if (store_) return write();
  return {};
}

result<void> JoinState::rebuild_index() {
  std::string lo(1, kIndexPrefix), hi(1, static_cast<char>(kIndexPrefix + 1));
  store_->scan(lo, hi, [&](std::string_view k, std::string_view) {
    store_->erase(k);
    return true;
  });
  auto w = write();
  if (!w.ok()) return w;
  int n = 0;
  bool ok = true;
  scan_entries([&](const Value& key, std::string_view v) {
    JoinEntry en = blank();
    state_codec::Reader r(v);
    ok = ok && decode(r, en, true, 0) && r.at_end();
    reindex(key, en);
    if (++n % kWriteEvery == 0) ok = ok && write().ok();
  });
  if (!ok) return error::fatal(where() + "the stored state is corrupt or cannot be written");
  return write();
}

result<void> JoinState::open_disk(state_codec::Reader& r) {
  clock_ = r.int64();
  std::string signature = r.str();
  std::string ref = r.str();
  if (!r.ok() || !r.at_end()) return error::fatal(where() + "checkpoint state is corrupt");
  auto st = state::KeyedStore::open(o_.store, ref);
  if (!st.ok()) return error::fatal(where() + st.err().message);
  store_ = std::move(st).value();
  if (!o_.want_disk) {
    // backend = memory now, the state on disk from before: read it all into memory.
    std::string dump = canonical();
    store_.reset();
    return open(dump);
  }
  if (signature != index_signature(o_)) return rebuild_index();  // ttl changed
  return {};
}

result<void> JoinState::open(const std::string& blob) {
  entries_.clear();
  index_.clear();
  dirty_.clear();
  store_.reset();
  clock_ = 0;
  next_due_ = INT64_MIN;
  const std::string tag = blob.substr(0, kTagLen);
  if (!blob.empty() && tag != kOldTag && tag != kStateTag && tag != kDiskTag) {
    return error::fatal(where() + "checkpoint state has an unknown format");
  }
  state_codec::Reader r(std::string_view(blob).substr(std::min(kTagLen, blob.size())));
  if (!blob.empty() && (r.uint64() != o_.n_inputs || !r.ok())) {
    return error::fatal(where() + "checkpoint state was written for a different number of inputs");
  }
  if (tag == kDiskTag) return open_disk(r);
  if (o_.want_disk) {
    auto st = state::KeyedStore::open(o_.store, "");
    if (!st.ok()) return error::fatal(where() + st.err().message);
    store_ = std::move(st).value();
  }
  if (blob.empty()) return {};
  if (tag == kStateTag) clock_ = r.int64();
  return load_inline(r, tag == kStateTag);
}

}  // namespace sluice::operators::join
