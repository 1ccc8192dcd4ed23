// AggregateProcessor: event-time windows (aggregate_processor.h, docs/aggregate.md "Windows").
#include <algorithm>

#include "base/sort_key.h"
#include "operators/aggregate/aggregate_processor.h"
#include "operators/aggregate/stored_arrival.h"

namespace sluice::operators::aggregate {
namespace {

constexpr char kWindowedTag = '\x01';  // store keys of windowed groups
constexpr char kGroupTag = 'g';        // store keys of the other groups

}  // namespace

result<void> AggregateProcessor::window_options(const StageConfig& cfg) {
  std::optional<int64_t> delay;
  if (cfg.has_option("watermark")) delay = cfg.option_int("watermark");
  const bool from_source = cfg.option_string("watermark_from", "data") == "source";
  clock_ = Watermark(delay, cfg.option_int("allowed_lateness", 0), from_source);
  on_close_ = cfg.option_string("emit", "on_update") == "on_close";
  if (from_source && !delay) {
    return error::fatal(
        "watermark_from = source needs a watermark (watermark = 0s follows the "
        "sources exactly)");
  }
  if (!window_.windowed()) {
    if (delay || on_close_) {
      return error::fatal(
          "watermark and emit = on_close need a window (window tumbling(1h) on "
          "FIELD)");
    }
    return {};
  }
  if (on_close_ && !delay) {
    return error::fatal("emit = on_close needs a watermark (watermark = 5s)");
  }
  key_names_.push_back(intern("window_start"));
  return {};
}

Value AggregateProcessor::group_key(const Image& img, const Value& window_start) const {
  if (keys_.empty()) return window_start;
  List k(img.parts.begin(), img.parts.end());
  k.push_back(window_start);
  return Value::list(std::move(k));
}

Value AggregateProcessor::session_base(const Image& img) const {
  if (keys_.empty()) return Value::null();
  if (keys_.size() == 1) return img.parts[0];
  return Value::list(List(img.parts.begin(), img.parts.end()));
}

void AggregateProcessor::assign_windows(Image& img) const {
  img.keys.clear();
  if (!img.time) {  // no event time: the window `null`, which never closes
    img.keys.push_back(group_key(img, Value::null()));
    return;
  }
  if (window_.session()) return;  // found when applied (add_session, retract_session)
  std::vector<int64_t> starts;
  window_.starts(*img.time, starts);
  for (int64_t s : starts)
    img.keys.push_back(group_key(img, window_.bound_value(s, img.time_type)));
}

bool AggregateProcessor::late(const Image& img) const {
  return img.present && img.time && clock_.closed(window_.first_end(*img.time));
}

std::string AggregateProcessor::late_message() const {
  const Image& img = late(before_) ? before_ : after_;
  std::string m = "late: " + sym_name(window_.path().back()) + " = " +
                  window_.bound_value(img.time.value_or(0), img.time_type).to_display() +
                  " belongs to a window that has closed";
  if (auto wm = clock_.value()) {
    m += " (watermark " + window_.bound_value(*wm, Type::DateTime).to_display() + ")";
  }
  return m;
}

// ---------------------------------------------------------------- sessions

bool AggregateProcessor::split_session_key(const Value& key, Value& base, int64_t& start) const {
  const Value* w = &key;
  if (!keys_.empty()) {
    const List& parts = key.as_list();
    w = &parts.back();
    if (keys_.size() == 1) {
      base = parts[0];
    } else {
      base = Value::list(List(parts.begin(), parts.end() - 1));
    }
  } else {
    base = Value::null();
  }
  auto us = WindowAssigner::bound_micros(*w);
  if (!us) return false;
  start = *us;
  return true;
}

Value AggregateProcessor::session_end(const Value& key,
                                      const SessionIndex::Session* session) const {
  std::optional<SessionIndex::Session> found;
  if (session == nullptr) {
    Value base;
    int64_t start = 0;
    if (split_session_key(key, base, start)) found = sessions_.find(base, start);
    if (!found) return Value::null();
    session = &*found;
  }
  return window_.bound_value(session->end, session->type);
}

void AggregateProcessor::forget_session(const Value& key) {
  Value base;
  int64_t start = 0;
  if (split_session_key(key, base, start)) sessions_.erase(base, start);
}

void AggregateProcessor::retract_session(const Image& img, int64_t ts, std::vector<Undo>& undo) {
  auto s = sessions_.holding(session_base(img), *img.time);
  if (!s) return;  // never seen: ignored
  retract_one(group_key(img, window_.bound_value(s->start, s->type)), img, ts, undo);
}

void AggregateProcessor::add_session(const Image& img, int64_t ts, std::vector<Undo>& undo) {
  const Value base = session_base(img);
  const int64_t t = *img.time;
  auto olds = sessions_.overlapping(base, t, t + window_.size());
  SessionIndex::Session merged{t, t + window_.size(), img.time_type};
  for (const auto& o : olds) {
    if (o.start <= merged.start) {
      merged.start = o.start;
      merged.type = o.type;
    }
    merged.end = std::max(merged.end, o.end);
  }
  if (olds.empty() || (olds.size() == 1 && olds[0].start == merged.start)) {
    add_one(group_key(img, window_.bound_value(merged.start, merged.type)), img, ts, undo);
    sessions_.put(base, merged);  // (after the add: when it throws the session is as it was)
    return;
  }
  // The event bridges sessions (or moves one's start): the state kept inside their groups and
  // the event go into a scratch group first, so that an overflow changes nothing; multisets
  // and arrival lists kept as store entries move to the merged group afterwards.
  Group g = make_group();
  const bool stored_list = stored_arrival();
  for (const auto& o : olds) {
    const Group* og = find(group_key(img, window_.bound_value(o.start, o.type)));
    if (og == nullptr) continue;
    for (size_t i = 0; i < aggs_.size(); ++i) {
      if (stored_set(i)) continue;
      merge(aggs_[i].fn, g.slots[i], og->slots[i]);
      if (extreme_only(i)) prune_to_extreme(aggs_[i].fn, g.slots[i]);
    }
    g.rows += og->rows;
    if (g.arrival && !stored_list) {
      static_cast<Arrival&>(*g.arrival).merge(static_cast<const Arrival&>(*og->arrival));
    }
  }
  for (size_t i = 0; i < aggs_.size(); ++i) {
    if (!stored_set(i)) add_to_slot(i, g.slots[i], img.args[i]);
  }
  ++g.rows;
  if (g.arrival && !stored_list) g.arrival->add(++seq_, ArrivalEntry{img.row_id, img.ordered});
  std::vector<Value> old_keys;
  for (const auto& o : olds) {
    old_keys.push_back(group_key(img, window_.bound_value(o.start, o.type)));
  }
  merge_sessions(base, olds, old_keys, merged,
                 group_key(img, window_.bound_value(merged.start, merged.type)), std::move(g), img,
                 ts);
}

void AggregateProcessor::merge_sessions(const Value& base,
                                        const std::vector<SessionIndex::Session>& olds,
                                        const std::vector<Value>& old_keys,
                                        const SessionIndex::Session& merged, const Value& key,
                                        Group&& g, const Image& img, int64_t ts) {
  for (const Value& k : old_keys) touch(k, ts);  // their outputs before the batch
  touch(key, ts);
  Group& ng = groups_.find(key)->second;  // (unordered_map: references survive inserts)
  for (const Value& k : old_keys) {
    if (k == key) continue;  // the merged session starts where this one did: it stays
    Group& og = groups_.find(k)->second;
    if (store_) move_entries(k, og, key, ng);
    Group empty = make_group(&k);
    og.rows = 0;
    og.slots = std::move(empty.slots);
    og.arrival = std::move(empty.arrival);
    og.extremes = std::move(empty.extremes);
  }
  ng.rows = g.rows;
  for (size_t i = 0; i < aggs_.size(); ++i) {
    if (!stored_set(i)) ng.slots[i] = std::move(g.slots[i]);
  }
  if (!stored_arrival()) {
    ng.arrival = std::move(g.arrival);
  } else if (ng.arrival) {
    ng.arrival->add(++seq_, ArrivalEntry{img.row_id, img.ordered});
  }
  for (size_t i = 0; i < aggs_.size(); ++i) {
    if (!stored_set(i)) continue;
    recount_set(key, i, ng);
    apply_set(key, i, ng, img.args[i], +1);
  }
  for (const auto& o : olds) sessions_.erase(base, o.start);
  sessions_.put(base, merged);
}

// A merged session's store entries: the multisets' values (counts added up) and the arrival
// list of `from` go to `to`.
void AggregateProcessor::move_entries(const Value& from, Group& fg, const Value& to, Group& tg) {
  std::string lo, hi, prefix, payload;
  for (size_t i = 0; i < aggs_.size(); ++i) {
    if (!stored_set(i)) continue;
    set_range(from, i, lo, hi);
    set_key(to, i, prefix);
    std::vector<std::pair<std::string, std::string>> entries;  // sort key, stored value
    store_->scan(lo, hi, [&](std::string_view k, std::string_view v) {
      entries.emplace_back(std::string(k.substr(lo.size())), std::string(v));
      return true;
    });
    for (const auto& [sort_key, stored] : entries) {
      int64_t n = 0;
      Value v = entry_value(stored, &n);
      store_->erase(lo + sort_key);
      payload.clear();
      state_codec::put(v, payload);
      store_->add_count(prefix + sort_key, n, payload);
    }
  }
  if (fg.arrival && tg.arrival && stored_arrival()) {
    static_cast<StoredArrival&>(*tg.arrival).absorb(static_cast<StoredArrival&>(*fg.arrival));
  }
}

// The distinct values (the slot) and the extreme of a stored multiset, read from its entries.
void AggregateProcessor::recount_set(const Value& key, size_t slot, Group& g) {
  std::string lo, hi;
  set_range(key, slot, lo, hi);
  int64_t n = 0;
  store_->scan(lo, hi, [&](std::string_view, std::string_view) {
    ++n;
    return true;
  });
  g.slots[slot] = Slot(n);
  const AggFn f = aggs_[slot].fn;
  if (f == AggFn::Min || f == AggFn::Max) g.extremes[slot] = seek_extreme(key, slot);
}

// ---------------------------------------------------------------- closing

std::optional<int64_t> AggregateProcessor::window_order(const Value& key) const {
  if (!window_.windowed()) return std::nullopt;
  const Value& w = keys_.empty() ? key : key.as_list().back();
  auto us = WindowAssigner::bound_micros(w);
  if (!us) return std::nullopt;
  return window_.session() ? *us : window_.end_of(*us);
}

// Store keys: kWindowedTag + window order (8 bytes) + key for windowed groups, kGroupTag + key
// for the others; multiset entries start with 'm' (aggregate_processor.cpp).
void AggregateProcessor::store_key(const Value& key, std::string& out) const {
  out.clear();
  if (auto order = window_order(key)) {
    out.push_back(kWindowedTag);
    append_ordered_i64(*order, out);
  } else {
    out.push_back(kGroupTag);
  }
  state_codec::put(key, out);
}

Value AggregateProcessor::key_of_store_key(std::string_view k) {
  if (!k.empty() && k[0] == kWindowedTag) k.remove_prefix(std::min<size_t>(9, k.size()));
  if (!k.empty() && k[0] == kGroupTag) k.remove_prefix(1);
  state_codec::Reader r(k);
  return r.value();
}

void AggregateProcessor::scan_groups(
    const std::function<bool(std::string_view, std::string_view)>& fn) const {
  store_->scan(std::string(1, kWindowedTag), std::string(1, kWindowedTag + 1), fn);
  store_->scan(std::string(1, kGroupTag), std::string(1, kGroupTag + 1), fn);
}

void AggregateProcessor::note_window(const Value& key) {
  if (window_.session()) return;  // sessions_ orders them
  if (auto end = window_order(key)) ends_[*end].push_back(key);
}

void AggregateProcessor::progress(int64_t source_time_us, std::vector<Event>& out) {
  if (clock_.advance(source_time_us)) close_windows(out);
}

void AggregateProcessor::close_windows(std::vector<Event>& out) {
  auto limit = clock_.close_limit();
  if (!window_.windowed() || !limit) return;
  if (window_.session()) {
    close_sessions(*limit, out);
  } else if (store_) {
    close_store(*limit, out);
  } else {
    close_memory(*limit, out);
  }
  if (!store_) return;
  auto w = store_->write();
  if (!w.ok()) throw state::store_error("aggregate " + stage_ + ": " + w.err().message);
}

// Closed groups go in window end order, then key order (ValueLess), on both backends.
void AggregateProcessor::close_memory(int64_t limit, std::vector<Event>& out) {
  while (!ends_.empty() && ends_.begin()->first <= limit) {
    std::vector<Value>& keys = ends_.begin()->second;
    std::sort(keys.begin(), keys.end(), ValueLess());
    keys.erase(std::unique(keys.begin(), keys.end(),
                           [](const Value& a, const Value& b) {
                             return !ValueLess()(a, b) && !ValueLess()(b, a);
                           }),
               keys.end());
    for (const Value& key : keys) close_group(key, nullptr, out);
    ends_.erase(ends_.begin());
  }
}

void AggregateProcessor::close_store(int64_t limit, std::vector<Event>& out) {
  std::string lo(1, kWindowedTag);
  std::string hi(1, kWindowedTag);
  append_ordered_i64(limit, hi);
  hi.push_back('\xff');  // past every key of the windows ending at `limit`
  std::vector<std::pair<int64_t, Value>> keys;
  store_->scan(lo, hi, [&](std::string_view k, std::string_view) {
    Value key = key_of_store_key(k);
    keys.emplace_back(window_order(key).value_or(0), std::move(key));
    return true;
  });
  std::stable_sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : ValueLess()(a.second, b.second);
  });
  for (const auto& [end, key] : keys) close_group(key, nullptr, out);
}

void AggregateProcessor::close_sessions(int64_t limit, std::vector<Event>& out) {
  for (const auto& c : sessions_.take_closed(limit)) {
    Value key = keys_.empty() ? Value() : c.base;  // rebuilt below from base and start
    Value start = window_.bound_value(c.s.start, c.s.type);
    if (keys_.empty()) {
      key = start;
    } else if (keys_.size() == 1) {
      key = Value::list(List{c.base, start});
    } else {
      List parts = c.base.as_list();
      parts.push_back(start);
      key = Value::list(std::move(parts));
    }
    close_group(key, &c.s, out);
  }
}

void AggregateProcessor::close_group(const Value& key, const SessionIndex::Session* session,
                                     std::vector<Event>& out) {
  const Group* g = find(key);
  if (g != nullptr && g->rows > 0 && on_close_) {
    Event e;
    e.op = Op::Create;
    e.row = output_row(key, *g, session);
    e.key = key;
    e.ts = g->ts;
    e.source = meta_;
    out.push_back(std::move(e));
  }
  groups_.erase(key);
  if (!store_) return;
  store_key(key, key_buf_);
  store_->erase(key_buf_);
  erase_sets(key);
}

}  // namespace sluice::operators::aggregate
