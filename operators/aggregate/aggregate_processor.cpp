#include "operators/aggregate/aggregate_processor.h"

#include <algorithm>

#include "base/sort_key.h"
#include "base/temporal.h"
#include "engine/core/errc.h"
#include "operators/aggregate/stored_arrival.h"
#include "operators/common/stage_options.h"
#include "operators/common/statements/loc_text.h"

namespace sluice::operators::aggregate {
namespace {

constexpr const char* kStateTag = "AGG1;";  // the whole state inline
constexpr const char* kDiskTag = "AGG3;";   // header + a reference to a store checkpoint
// The same before session windows kept their multisets and arrival lists as store entries:
// a session aggregate's groups hold them inline (open() converts them).
constexpr const char* kInlineSessionsTag = "AGG2;";
// In the header's function codes: a min/max slot that keeps only its extreme (extreme_only()).
constexpr uint64_t kExtremeOnly = 0x80;

using statements::loc_text;

}  // namespace

result<std::unique_ptr<Processor>> AggregateProcessor::make(const StageConfig& cfg) {
  std::unique_ptr<AggregateProcessor> p(new AggregateProcessor());
  p->stage_ = cfg.name;
  const std::string where = "aggregate " + cfg.name + ": ";
  if (cfg.ast == nullptr) return error::fatal(where + "no statements");
  bool grouped = false;
  for (const ast::Statement& s : cfg.ast->statements) {
    switch (s.kind) {
      case ast::StmtKind::GroupBy: {
        if (grouped) return error::fatal(where + loc_text(s.loc) + "a second `group by`");
        grouped = true;
        for (size_t i = 0; i < s.exprs.size(); ++i) {
          const ast::Expr& e = *s.exprs[i];
          auto c = eval::compile(e, eval::Scope{});
          if (!c.ok()) return error::fatal(where + c.err().message);
          p->keys_.push_back(std::move(c.value()));
          std::string name = e.kind == ast::ExprKind::Field && !e.path.empty()
                                 ? e.path.back()
                                 : "key" + std::to_string(i + 1);
          p->key_names_.push_back(intern(name));
        }
        break;
      }
      case ast::StmtKind::Window: {
        if (p->window_.windowed()) {
          return error::fatal(where + loc_text(s.loc) + "a second window");
        }
        auto w = WindowAssigner::from(s);
        if (!w.ok()) return error::fatal(where + w.err().message);
        p->window_ = std::move(w).value();
        break;
      }
      case ast::StmtKind::AggField: {
        const ast::Expr* e = s.exprs.empty() ? nullptr : s.exprs[0].get();
        std::string name =
            s.paths.empty() || s.paths[0].segments.empty() ? std::string() : s.paths[0].segments[0];
        std::optional<AggFn> fn;
        if (e != nullptr && e->kind == ast::ExprKind::Call) fn = agg_fn(e->op, e->args.size());
        if (!fn) {
          return error::fatal(where + loc_text(s.loc) + "aggregate field '" + name +
                              "' must be one aggregate function call");
        }
        AggDef d;
        d.name = intern(name);
        d.fn = *fn;
        if (!e->args.empty()) {
          auto c = eval::compile(*e->args[0], eval::Scope{});
          if (!c.ok()) return error::fatal(where + c.err().message);
          d.arg = std::move(c.value());
        }
        if (is_ordered(d.fn)) d.ordered = static_cast<int>(p->ordered_count_++);
        p->aggs_.push_back(std::move(d));
        break;
      }
      default: {
        auto c = p->pre_.add(s);
        if (!c.ok()) return error::fatal(where + c.err().message);
      }
    }
  }
  auto w = p->window_options(cfg);
  if (!w.ok()) return error::fatal(where + w.err().message);
  auto meta = std::make_shared<SourceMeta>();
  meta->connector = "aggregate";
  meta->name = cfg.name;
  meta->table = cfg.name;
  for (Sym k : p->key_names_) meta->primary_key.push_back(sym_name(k));
  p->meta_ = std::move(meta);
  // Without a state directory (a stage built outside a pipeline) the state stays in memory.
  p->want_disk_ = cfg.state.on_disk && !cfg.state_dir.empty();
  p->inserts_only_input_ = p->inserts_only_ = cfg.inserts_only_input;
  p->store_opts_.dir = cfg.state_dir + "/state/" + cfg.name + "/" + std::to_string(cfg.instance);
  p->store_opts_.pipeline = cfg.pipeline;
  p->store_opts_.name = cfg.name + "/" + std::to_string(cfg.instance);
  p->store_opts_.memory_bytes = cfg.state.memory_bytes;
  // Decoded groups kept between batches: a 64th of the budget at ~512 bytes a group (a batch
  // reads its groups with one multi_get; the cache only saves decoding for hot groups).
  p->cache_limit_ = static_cast<size_t>(std::max<int64_t>(0, cfg.state.memory_bytes / 64 / 512));
  return std::unique_ptr<Processor>(std::move(p));
}

Group AggregateProcessor::make_group(const Value* key) const {
  Group g;
  g.slots.reserve(aggs_.size());
  for (size_t i = 0; i < aggs_.size(); ++i) {
    g.slots.push_back(stored_set(i) ? Slot(int64_t{0}) : make_slot(aggs_[i].fn));
  }
  if (store_) g.extremes.resize(aggs_.size());
  if (ordered_count_ == 0) return g;
  if (key != nullptr && stored_arrival()) {
    std::string k;
    state_codec::put(*key, k);
    g.arrival = std::make_unique<StoredArrival>(store_.get(), k);
  } else {
    g.arrival = std::make_unique<Arrival>();
  }
  return g;
}

bool AggregateProcessor::stored_arrival() const { return store_ != nullptr && !inline_sets_; }

Value AggregateProcessor::row_id(const Event& ev, const Object& row) const {
  if (ev.source && !ev.source->primary_key.empty()) {
    const auto& pk = ev.source->primary_key;
    if (pk.size() == 1) {
      const Value* v = row.find(intern(pk[0]));
      if (v != nullptr) return *v;
    } else {
      List l;
      bool any = false;
      for (const auto& k : pk) {
        const Value* v = row.find(intern(k));
        any = any || v != nullptr;
        l.push_back(v != nullptr ? *v : Value());
      }
      if (any) return Value::list(std::move(l));
    }
  }
  return ev.key;
}

AggregateProcessor::Prep AggregateProcessor::prepare(Event& ev, const Object* image,
                                                     const Object& id_row, Image& img,
                                                     eval::Context& ctx) {
  img.present = false;
  if (ordered_count_ > 0) img.row_id = row_id(ev, id_row);
  ctx.event = &ev;
  ctx.row = image != nullptr ? image : &ev.row;
  switch (pre_.run(ev, ctx)) {  // (image is only given when there are no statements)
    case statements::StatementList::Outcome::Drop:
      return Prep::Dropped;
    case statements::StatementList::Outcome::Fail:
      return Prep::Failed;
    case statements::StatementList::Outcome::Continue:
      break;
  }
  img.keys.clear();
  if (window_.windowed()) {
    img.parts.clear();
    for (const auto& x : keys_) img.parts.push_back(x->eval(ctx));
    const Value* t = ctx.row->find_path(window_.path().data(), window_.path().size());
    img.time = window_.event_time(t);
    img.time_type = t != nullptr ? t->type() : Type::Null;
    assign_windows(img);
  } else if (keys_.size() == 1) {
    img.keys.push_back(keys_[0]->eval(ctx));
  } else {
    List k;
    k.reserve(keys_.size());
    for (const auto& x : keys_) k.push_back(x->eval(ctx));
    img.keys.push_back(Value::list(std::move(k)));
  }
  img.args.resize(aggs_.size());
  img.ordered.resize(ordered_count_);
  for (size_t i = 0; i < aggs_.size(); ++i) {
    const AggDef& a = aggs_[i];
    if (a.arg) {
      img.args[i] = a.arg->eval(ctx);
      check_arg(a.fn, img.args[i]);
    } else {
      img.args[i] = Value();
    }
    if (a.ordered >= 0) img.ordered[static_cast<size_t>(a.ordered)] = img.args[i];
  }
  img.present = true;
  return Prep::Ok;
}

Group* AggregateProcessor::find(const Value& key) {
  auto it = groups_.find(key);
  if (it != groups_.end()) return &it->second;
  if (!store_ || absent_.count(key) != 0) return nullptr;
  store_key(key, key_buf_);
  if (!store_->get(key_buf_, val_buf_)) return nullptr;
  return load(key, val_buf_);
}

Group& AggregateProcessor::touch(const Value& key, int64_t ts) {
  Group* found = find(key);
  if (found == nullptr) {
    found = &groups_.emplace(key, make_group(&key)).first->second;
    if (!store_) note_window(key);
  }
  Group& g = *found;
  if (!g.touched) {
    Touched t;
    if (g.rows > 0 &&
        !on_close_) {  // the output as of before this batch (may throw: nothing changed yet)
      t.before = output_row(key, g);
      t.had = true;
    }
    t.key = key;
    touched_.push_back(std::move(t));
    g.touched = true;
  }
  if (ts > g.ts) g.ts = ts;
  return g;
}

void AggregateProcessor::apply_slots(const Value& key, Group& g, const Image& img, int sign) {
  auto one = [&](size_t i, int sg) {
    if (extreme_only(i)) return;  // after the others: keep_extreme cannot fail, undo restores
    if (stored_set(i)) {
      apply_set(key, i, g, img.args[i], sg);
    } else {
      apply(aggs_[i].fn, g.slots[i], img.args[i], sg);
    }
  };
  size_t i = 0;
  try {
    for (; i < aggs_.size(); ++i) one(i, sign);
  } catch (...) {
    while (i-- > 0) one(i, -sign);
    throw;
  }
  if (!inserts_only_ || sign < 0) return;  // (an undo of an add restores the extremes itself)
  for (i = 0; i < aggs_.size(); ++i) {
    if (extreme_only(i)) keep_extreme(aggs_[i].fn, g.slots[i], img.args[i]);
  }
}

bool AggregateProcessor::extreme_only(size_t slot) const {
  const AggFn f = aggs_[slot].fn;
  return inserts_only_ && (f == AggFn::Min || f == AggFn::Max);
}

void AggregateProcessor::add_to_slot(size_t slot, Slot& s, const Value& arg) const {
  if (extreme_only(slot)) {
    keep_extreme(aggs_[slot].fn, s, arg);
  } else {
    apply(aggs_[slot].fn, s, arg, +1);
  }
}

bool AggregateProcessor::stored_set(size_t slot) const {
  if (!store_ || inline_sets_ || extreme_only(slot)) return false;
  AggFn f = aggs_[slot].fn;
  return f == AggFn::Min || f == AggFn::Max || f == AggFn::CountDistinct || f == AggFn::CollectSet;
}

void AggregateProcessor::set_key(const Value& key, size_t slot, std::string& out) const {
  out.assign(1, 'm');
  state_codec::put(key, out);
  out.push_back(static_cast<char>(slot));
}

void AggregateProcessor::set_range(const Value& key, size_t slot, std::string& lo,
                                   std::string& hi) const {
  set_key(key, slot, lo);
  hi = lo;
  hi.back() = static_cast<char>(hi.back() + 1);
}

Value AggregateProcessor::entry_value(std::string_view entry, int64_t* count) {
  state_codec::Reader r(entry);
  int64_t n = r.int64();
  if (count != nullptr) *count = n;
  return r.value();
}

// One value of a multiset: key = set_key + sort_key(value), value = count + the value as first
// added (Decimal 1.5 and 1.50 are one entry, as in the memory form).
void AggregateProcessor::apply_set(const Value& key, size_t slot, Group& g, const Value& arg,
                                   int sign) {
  if (arg.is_null()) return;
  std::string& k = set_buf_;
  set_key(key, slot, k);
  append_sort_key(arg, k);
  const AggFn f = aggs_[slot].fn;
  if (sign > 0 && (f == AggFn::Min || f == AggFn::Max)) {  // no read: min/max need no count
    val_buf_.clear();
    state_codec::put(arg, val_buf_);
    store_->add_count(k, 1, val_buf_);
    update_extreme(key, slot, g, arg, +1);
    return;
  }
  int64_t n = 0;
  Value stored = arg;
  if (store_->get(k, val_buf_)) stored = entry_value(val_buf_, &n);
  // (The slot counts the distinct values; only count_distinct reads it.)
  int64_t& distinct = std::get<int64_t>(g.slots[slot]);
  if (sign < 0) {
    if (n == 0) return;
    if (--n == 0) {
      store_->erase(k);
      --distinct;
      update_extreme(key, slot, g, stored, -1);
      return;
    }
  } else if (n++ == 0) {
    ++distinct;
    update_extreme(key, slot, g, stored, +1);
  }
  val_buf_.clear();
  state_codec::put_int(n, val_buf_);
  state_codec::put(stored, val_buf_);
  store_->put(k, val_buf_);
}

// A distinct value came (+1) or went (-1): the kept min/max follows.
void AggregateProcessor::update_extreme(const Value& key, size_t slot, Group& g, const Value& v,
                                        int sign) {
  const AggFn f = aggs_[slot].fn;
  if (f != AggFn::Min && f != AggFn::Max) return;
  Value& x = g.extremes[slot];
  const ValueLess less;
  if (sign > 0) {
    if (x.is_null() || (f == AggFn::Min ? less(v, x) : less(x, v))) x = v;
    return;
  }
  if (!less(v, x) && !less(x, v)) x = seek_extreme(key, slot);  // the extreme itself went
}

Value AggregateProcessor::seek_extreme(const Value& key, size_t slot) const {
  std::string lo, hi, v;
  set_range(key, slot, lo, hi);
  bool found =
      aggs_[slot].fn == AggFn::Min ? store_->first_in(lo, hi, v) : store_->last_in(lo, hi, v);
  return found ? entry_value(v) : Value::null();
}

Value AggregateProcessor::set_result(const Value& key, size_t slot, const Group& g) const {
  const AggFn f = aggs_[slot].fn;
  if (f == AggFn::CountDistinct) return Value::int64(std::get<int64_t>(g.slots[slot]));
  if (f == AggFn::Min || f == AggFn::Max) return g.extremes[slot];
  std::string lo, hi;  // collect_set: every value of the group's range
  set_range(key, slot, lo, hi);
  List l;
  store_->scan(lo, hi, [&](std::string_view, std::string_view val) {
    l.push_back(entry_value(val));
    return true;
  });
  return Value::list(std::move(l));
}

void AggregateProcessor::erase_sets(const Value& key) {
  // Normally empty by now; values retracted by images that never were added may remain.
  std::vector<std::string> left;
  for (size_t i = 0; i < aggs_.size(); ++i) {
    if (!stored_set(i)) continue;
    std::string lo, hi;
    set_range(key, i, lo, hi);
    store_->scan(lo, hi, [&](std::string_view k, std::string_view) {
      left.emplace_back(k);
      return true;
    });
  }
  for (const auto& k : left) store_->erase(k);
  if (ordered_count_ > 0 && stored_arrival()) {
    std::string k;
    state_codec::put(key, k);
    StoredArrival(store_.get(), k).clear();
  }
}

void AggregateProcessor::store_arrival(const Value& key, Group& g) {
  if (!g.arrival || !stored_arrival()) return;
  const auto& mem = static_cast<const Arrival&>(*g.arrival);
  std::string k;
  state_codec::put(key, k);
  auto stored = std::make_unique<StoredArrival>(store_.get(), k);
  for (const auto& [seq, e] : mem.by_seq) stored->add(seq, e);
  g.arrival = std::move(stored);
}

void AggregateProcessor::store_sets(const Value& key, Group& g) {
  for (size_t i = 0; i < aggs_.size(); ++i) {
    if (!stored_set(i)) continue;
    const Multiset m = std::get<Multiset>(g.slots[i]);
    g.slots[i] = int64_t{0};
    for (const auto& [v, n] : m) {
      for (int64_t k = 0; k < n; ++k) apply_set(key, i, g, v, +1);
    }
  }
}

void AggregateProcessor::retract(const Image& img, int64_t ts, std::vector<Undo>& undo) {
  if (window_.session() && img.time) return retract_session(img, ts, undo);
  for (const Value& key : img.keys) retract_one(key, img, ts, undo);
}

void AggregateProcessor::add(const Image& img, int64_t ts, std::vector<Undo>& undo) {
  if (window_.session() && img.time) return add_session(img, ts, undo);
  for (const Value& key : img.keys) add_one(key, img, ts, undo);
}

bool AggregateProcessor::retract_one(const Value& key, const Image& img, int64_t ts,
                                     std::vector<Undo>& undo) {
  Group* found = find(key);
  if (found == nullptr || found->rows == 0) return false;  // never seen: ignored
  Group& g = touch(key, ts);
  apply_slots(key, g, img, -1);
  --g.rows;
  uint64_t seq = 0;
  if (g.arrival) seq = g.arrival->retract(img.row_id, img.ordered).value_or(0);
  undo.push_back(Undo{key, -1, seq, &img, {}});
  return true;
}

void AggregateProcessor::add_one(const Value& key, const Image& img, int64_t ts,
                                 std::vector<Undo>& undo) {
  Group& g = touch(key, ts);
  // Only an image of several groups (hopping windows) can fail after this add: then the undo
  // restores the extremes (kept only then: no allocation per record).
  std::vector<Value> extremes;
  for (size_t i = 0; inserts_only_ && img.keys.size() > 1 && i < aggs_.size(); ++i) {
    if (extreme_only(i)) extremes.push_back(extreme_of(g.slots[i]));
  }
  apply_slots(key, g, img, +1);
  ++g.rows;
  uint64_t seq = 0;
  if (g.arrival) g.arrival->add(seq = ++seq_, ArrivalEntry{img.row_id, img.ordered});
  undo.push_back(Undo{key, +1, seq, &img, std::move(extremes)});
}

// Takes back the changes of an event that failed half way (in reverse; cannot throw: each
// step reverses a change that succeeded).
void AggregateProcessor::rollback(std::vector<Undo>& undo) {
  for (auto u = undo.rbegin(); u != undo.rend(); ++u) {
    auto it = groups_.find(u->key);
    if (it == groups_.end()) continue;
    Group& g = it->second;
    apply_slots(u->key, g, *u->img, -u->sign);
    for (size_t i = 0, k = 0; i < aggs_.size() && k < u->extremes.size(); ++i) {
      if (extreme_only(i)) set_extreme(g.slots[i], u->extremes[k++]);
    }
    g.rows -= u->sign;
    if (!g.arrival || u->seq == 0) continue;
    if (u->sign < 0) {
      g.arrival->add(u->seq, ArrivalEntry{u->img->row_id, u->img->ordered});
    } else {
      g.arrival->erase(u->seq);
    }
  }
  undo.clear();
}

void AggregateProcessor::process(size_t /*input_index*/, std::vector<Event>& in,
                                 std::vector<Event>& out, std::vector<Event>& dead) {
  eval::Context ctx;
  ctx.now = temporal::now_micros();
  // Pass 1: the statements and expressions of every event (no state is read or changed), so
  // that the groups of the whole batch can be read from the store at once.
  if (pending_.size() < in.size()) pending_.resize(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    Pending& p = pending_[i];
    p.prep.reset();
    if (in[i].op == Op::Truncate) continue;
    if (inserts_only_ && (in[i].op == Op::Update || in[i].op == Op::Delete)) {
      p.prep = result<Prep>(error::permanent(engine::errc::process_failed, not_insert_message()));
      continue;
    }
    p.prep = eval::guarded([&] { return prepare_event(in[i], ctx); });
    std::swap(p.before, before_);
    std::swap(p.after, after_);
  }
  if (store_) prefetch(in.size());
  // Pass 2, in order: fold each event into its groups.
  for (size_t i = 0; i < in.size(); ++i) {
    Event& e = in[i];
    if (dead_letter_truncate(e, dead)) continue;
    Pending& p = pending_[i];
    std::swap(p.before, before_);
    std::swap(p.after, after_);
    result<Prep> r = *p.prep;
    if (r.ok() && *r == Prep::Ok) {
      // A store failure is not the record's fault: it fails the stage (guarded() would make a
      // dead letter of any exception).
      std::exception_ptr store_failure;
      r = eval::guarded([&] {
        try {
          return apply_event(e);
        } catch (const state::store_error&) {
          store_failure = std::current_exception();
          return Prep::Ok;
        }
      });
      if (store_failure) std::rethrow_exception(store_failure);
    }
    if (!r.ok()) {
      mark_dead(e, stage_, r.err());
      dead.push_back(std::move(e));
    } else if (*r == Prep::Failed) {
      mark_dead(e, stage_, engine::errc::require_failed, pre_.failed_message());
      dead.push_back(std::move(e));
    } else if (*r == Prep::Late) {
      mark_dead(e, stage_, engine::errc::late_event, late_message());
      dead.push_back(std::move(e));
    }
  }
  absent_.clear();
  in.clear();
  emit(out);
  close_windows(out);
}

void AggregateProcessor::prefetch(size_t n) {
  if (window_.session()) return;  // (a session's key is found when the event is applied)
  fetch_keys_.clear();
  fetch_groups_.clear();
  for (size_t i = 0; i < n; ++i) {
    const Pending& p = pending_[i];
    if (!p.prep || !p.prep->ok() || p.prep->value() != Prep::Ok) continue;
    for (const Image* img : {&p.before, &p.after}) {
      if (!img->present) continue;
      for (const Value& key : img->keys) {
        if (groups_.count(key) != 0 || !absent_.insert(key).second) continue;
        store_key(key, key_buf_);
        fetch_keys_.push_back(key_buf_);
        fetch_groups_.push_back(key);
      }
    }
  }
  if (fetch_keys_.empty()) return;
  store_->multi_get(fetch_keys_, fetch_vals_, fetch_found_);
  for (size_t i = 0; i < fetch_keys_.size(); ++i) {
    if (!fetch_found_[i]) continue;  // stays in absent_: find() need not ask the store again
    absent_.erase(fetch_groups_[i]);
    load(fetch_groups_[i], fetch_vals_[i]);
  }
}

Group* AggregateProcessor::load(const Value& key, const std::string& stored) {
  Group g = make_group(&key);
  state_codec::Reader r(stored);
  if (!decode_group(r, g, false) || !r.at_end()) {
    throw state::store_error("aggregate " + stage_ + ": the stored state of group " +
                             key.to_display() + " is corrupt");
  }
  return &groups_.emplace(key, std::move(g)).first->second;
}

std::string AggregateProcessor::not_insert_message() const {
  return "aggregate " + stage_ +
         ": an update or delete arrived from an input planned as inserts only (its min/max "
         "keep only their extreme and cannot take a value back); this is a Sluice bug, please "
         "report it";
}

AggregateProcessor::Prep AggregateProcessor::prepare_event(Event& e, eval::Context& ctx) {
  before_.present = after_.present = false;
  Prep failed = Prep::Ok;
  if (e.op == Op::Delete) {
    failed = prepare(e, nullptr, e.row, before_, ctx);
  } else {
    if (e.op == Op::Update && e.has_before) {
      if (pre_.empty()) {
        failed = prepare(e, &e.before, e.before, before_, ctx);
      } else {  // the statements change the row they run on: run them on a copy
        Event tmp;
        tmp.op = e.op;
        tmp.row = e.before;
        tmp.key = e.key;
        tmp.ts = e.ts;
        tmp.source = e.source;
        failed = prepare(tmp, nullptr, e.before, before_, ctx);
      }
    }
    if (failed != Prep::Failed) {
      Prep p = prepare(e, nullptr, e.row, after_, ctx);  // (row id read before statements)
      if (p == Prep::Failed) failed = p;
    }
  }
  return failed == Prep::Failed ? failed : Prep::Ok;
}

AggregateProcessor::Prep AggregateProcessor::apply_event(const Event& e) {
  if (late(before_) || late(after_)) return Prep::Late;
  std::vector<Undo> undo;
  try {
    if (before_.present) retract(before_, e.ts, undo);
    if (after_.present) add(after_, e.ts, undo);
  } catch (...) {
    rollback(undo);  // the event leaves no trace
    throw;
  }
  for (const Image* img : {&before_, &after_}) {
    if (img->present && img->time) clock_.observe(*img->time);
  }
  return Prep::Ok;
}

Object AggregateProcessor::output_row(const Value& key, const Group& g,
                                      const SessionIndex::Session* session) const {
  Object row;
  row.reserve(key_names_.size() + aggs_.size() + 1);
  if (key_names_.size() == 1) {
    row.append(key_names_[0], key);
  } else {
    const List& parts = key.as_list();
    for (size_t i = 0; i < key_names_.size() && i < parts.size(); ++i) {
      row.append(key_names_[i], parts[i]);
    }
  }
  if (window_.session()) row.append(intern("window_end"), session_end(key, session));
  for (size_t i = 0; i < aggs_.size(); ++i) {
    const AggDef& a = aggs_[i];
    Value v;
    if (a.ordered >= 0) {
      auto k = static_cast<size_t>(a.ordered);
      v = a.fn == AggFn::First ? g.arrival->first(k)
                               : (a.fn == AggFn::Last ? g.arrival->last(k) : g.arrival->collect(k));
    } else if (stored_set(i)) {
      v = set_result(key, i, g);
    } else {
      v = agg_result(a.fn, g.slots[i], g.rows);
    }
    row.append(a.name, std::move(v));
  }
  return row;
}

void AggregateProcessor::emit(std::vector<Event>& out) {
  for (Touched& t : touched_) {
    auto it = groups_.find(t.key);
    if (it == groups_.end()) continue;
    Group& g = it->second;
    g.touched = false;
    if (store_) flushed_.push_back(t.key);
    if (g.rows == 0 && window_.session()) forget_session(t.key);
    if (g.rows == 0) {
      if (t.had) {
        Event e;
        e.op = Op::Delete;
        e.row = std::move(t.before);
        e.key = std::move(t.key);
        e.ts = g.ts;
        e.source = meta_;
        out.push_back(std::move(e));
      }
      groups_.erase(it);
      continue;
    }
    if (on_close_) continue;  // the rows go out when their window closes
    Event e;
    try {
      e.row = output_row(it->first, g);
    } catch (const std::exception&) {
      continue;  // unreachable: sum/avg results of states built by apply() always exist
    }
    if (t.had && e.row == t.before) continue;
    e.op = t.had ? Op::Update : Op::Create;
    if (t.had) {
      e.before = std::move(t.before);
      e.has_before = true;
    }
    e.key = std::move(t.key);
    e.ts = g.ts;
    e.source = meta_;
    out.push_back(std::move(e));
  }
  touched_.clear();
  if (store_) flush_store();
}

void AggregateProcessor::flush_store() {
  for (const Value& key : flushed_) {
    store_key(key, key_buf_);
    auto it = groups_.find(key);
    if (it == groups_.end()) {  // no rows left
      store_->erase(key_buf_);
      erase_sets(key);
      continue;
    }
    val_buf_.clear();
    encode_group(key, it->second, val_buf_, false);
    store_->put(key_buf_, val_buf_);
  }
  flushed_.clear();
  auto w = store_->write();
  if (!w.ok()) throw state::store_error("aggregate " + stage_ + ": " + w.err().message);
  // Every cached group is now in the store as it is: the cache can go at any time.
  if (groups_.size() > cache_limit_) groups_.clear();
}

void AggregateProcessor::encode_group(const Value& key, const Group& g, std::string& out,
                                      bool canonical) const {
  state_codec::put_int(g.rows, out);
  for (size_t i = 0; i < g.slots.size(); ++i) {
    if (canonical && stored_set(i)) {  // the multiset from its entries, in ValueLess order
      std::string lo, hi, entries;
      set_range(key, i, lo, hi);
      uint64_t n = 0;
      store_->scan(lo, hi, [&](std::string_view, std::string_view v) {
        int64_t count = 0;
        state_codec::put(entry_value(v, &count), entries);
        state_codec::put_int(count, entries);
        ++n;
        return true;
      });
      state_codec::put_uint(n, out);
      out += entries;
    } else {
      encode(g.slots[i], out);
      if (!canonical && stored_set(i)) state_codec::put(g.extremes[i], out);
    }
  }
  if (g.arrival && (canonical || !stored_arrival())) g.arrival->encode(out);
}

bool AggregateProcessor::decode_group(state_codec::Reader& r, Group& g, bool canonical) const {
  g.rows = r.int64();
  for (size_t k = 0; k < aggs_.size(); ++k) {
    if (!canonical && stored_set(k)) {
      g.slots[k] = r.int64();
      g.extremes[k] = r.value();
    } else {
      decode(aggs_[k].fn, g.slots[k], r);
    }
  }
  // (A stored arrival list is in its own entries, not in the group's.)
  if (auto* a = dynamic_cast<Arrival*>(g.arrival.get()); a && (canonical || !stored_arrival())) {
    a->decode(r);
  }
  return r.ok();
}

void AggregateProcessor::encode_header(std::string& s) const {
  state_codec::put_uint(aggs_.size(), s);
  for (size_t i = 0; i < aggs_.size(); ++i) {  // extreme_only() slots: their code | kExtremeOnly
    const auto code = static_cast<uint64_t>(aggs_[i].fn);
    state_codec::put_uint(extreme_only(i) ? code | kExtremeOnly : code, s);
  }
  state_codec::put_uint(seq_, s);
  if (window_.windowed() && (clock_.enabled() || window_.session())) {
    s += 'W';  // (absent from older checkpoints: read as no event seen, no open session)
    clock_.encode(s);
    sessions_.encode(s);
  }
}

result<void> AggregateProcessor::check_header(state_codec::Reader& r) {
  uint64_t n = r.uint64();
  bool same = r.ok() && n == aggs_.size();
  bool extremes_only = false, whole_sets = false;  // min/max slots as the state keeps them
  for (uint64_t i = 0; same && i < n; ++i) {
    const uint64_t code = r.uint64();
    same = (code & ~kExtremeOnly) == static_cast<uint64_t>(aggs_[i].fn);
    const AggFn f = aggs_[i].fn;
    if (f != AggFn::Min && f != AggFn::Max) continue;
    ((code & kExtremeOnly) != 0 ? extremes_only : whole_sets) = true;
  }
  if (!same) {
    return error::fatal("aggregate " + stage_ +
                        ": checkpoint state was written for different aggregate functions; the "
                        "aggregate changed since the last run (remove the pipeline state to "
                        "rebuild it)");
  }
  if (extremes_only && !inserts_only_input_) {
    return error::fatal("aggregate " + stage_ +
                        ": its min/max state keeps only each extreme, built while the input held "
                        "inserts only; the input now carries updates or deletes, which need every "
                        "value (remove the pipeline state to rebuild it from the sources)");
  }
  // A state kept with whole multisets stays so (they hold more than the extreme needs).
  inserts_only_ = inserts_only_input_ && !whole_sets;
  return {};
}

size_t AggregateProcessor::group_count() const {
  if (!store_) return groups_.size();
  size_t n = 0;
  scan_groups([&](std::string_view, std::string_view) {
    ++n;
    return true;
  });
  return n;
}

std::string AggregateProcessor::checkpoint_state() const {
  using namespace state_codec;
  std::string s = kStateTag;
  encode_header(s);
  // In key order, so that equal states give equal blobs.
  std::vector<std::pair<Value, std::string>> sorted;
  if (store_) {
    scan_groups([&](std::string_view k, std::string_view v) {
      Value key = key_of_store_key(k);
      Group g = make_group(&key);
      Reader vr(v);
      decode_group(vr, g, false);
      std::string canonical;
      encode_group(key, g, canonical, true);
      sorted.emplace_back(std::move(key), std::move(canonical));
      return true;
    });
  } else {
    sorted.reserve(groups_.size());
    for (const auto& kv : groups_) {
      std::string v;
      encode_group(kv.first, kv.second, v, true);
      sorted.emplace_back(kv.first, std::move(v));
    }
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return ValueLess()(a.first, b.first); });
  put_uint(sorted.size(), s);
  for (const auto& [key, group] : sorted) {
    put(key, s);
    s += group;
  }
  return s;
}

result<std::string> AggregateProcessor::checkpoint(uint64_t id) {
  if (!store_) return checkpoint_state();
  auto ref = store_->ckpt(id);
  if (!ref.ok()) return error::fatal("aggregate " + stage_ + ": " + ref.err().message);
  std::string s = inline_sets_ ? kInlineSessionsTag : kDiskTag;
  encode_header(s);
  state_codec::put_str(*ref, s);
  return s;
}

void AggregateProcessor::checkpoint_committed(uint64_t id) {
  if (store_) store_->committed(id);
}

result<void> AggregateProcessor::entries_from_inline_sessions() {
  // Group by group while scanning (the scan reads a snapshot; the entries go to other ranges),
  // written every 4,096 groups: the state is never read whole into memory.
  std::string corrupt;
  uint64_t n = 0;
  try {
    scan_groups([&](std::string_view k, std::string_view v) {
      Value key = key_of_store_key(k);
      inline_sets_ = true;
      Group g = make_group(&key);
      state_codec::Reader r(v);
      const bool ok = decode_group(r, g, false) && r.at_end();
      inline_sets_ = false;
      if (!ok) {
        corrupt = key.to_display();
        return false;
      }
      put_as_entries(key, g);
      if (++n % 4096 == 0) {
        auto w = store_->write();
        if (!w.ok()) throw state::store_error(w.err().message);
      }
      return true;
    });
  } catch (const state::store_error& e) {
    return error::fatal("aggregate " + stage_ + ": " + e.what());
  }
  if (!corrupt.empty()) {
    return error::fatal("aggregate " + stage_ + ": the stored state of group " + corrupt +
                        " is corrupt");
  }
  auto w = store_->write();
  if (!w.ok()) return error::fatal("aggregate " + stage_ + ": " + w.err().message);
  return {};
}

void AggregateProcessor::put_as_entries(const Value& key, Group& g) {
  store_sets(key, g);
  store_arrival(key, g);
  val_buf_.clear();
  encode_group(key, g, val_buf_, false);
  store_key(key, key_buf_);
  store_->put(key_buf_, val_buf_);
}

result<void> AggregateProcessor::load_groups(state_codec::Reader& r) {
  uint64_t count = r.uint64();
  if (!store_) groups_.reserve(static_cast<size_t>(std::min<uint64_t>(count, 1u << 24)));
  for (uint64_t i = 0; i < count && r.ok(); ++i) {
    Value key = r.value();
    Group g = make_group();  // decoded in the memory form; then its multisets become entries
    if (!decode_group(r, g, true)) break;
    if (store_) {
      put_as_entries(key, g);
      if (i % 4096 == 4095) {
        auto w = store_->write();
        if (!w.ok()) return w.err();
      }
    } else {
      note_window(key);
      groups_.emplace(std::move(key), std::move(g));
    }
  }
  if (!r.ok() || !r.at_end()) {
    groups_.clear();
    return error::fatal("aggregate " + stage_ + ": checkpoint state is corrupt");
  }
  if (store_) return store_->write();
  return {};
}

result<void> AggregateProcessor::open(const std::string& state) {
  groups_.clear();
  touched_.clear();
  flushed_.clear();
  store_.reset();
  seq_ = 0;
  clock_.reset();
  sessions_.clear();
  ends_.clear();
  inserts_only_ = inserts_only_input_;  // (check_header may turn it off)
  const bool inline_sessions = state.compare(0, 5, kInlineSessionsTag) == 0;
  const bool disk_state = inline_sessions || state.compare(0, 5, kDiskTag) == 0;
  if (!state.empty() && !disk_state && state.compare(0, 5, kStateTag) != 0) {
    return error::fatal("aggregate " + stage_ + ": checkpoint state has an unknown format");
  }
  state_codec::Reader r(std::string_view(state).substr(std::min<size_t>(5, state.size())));
  if (!state.empty()) {
    auto h = check_header(r);
    if (!h.ok()) return h;
    seq_ = r.uint64();
    if (r.expect('W')) {
      clock_.decode(r);
      sessions_.decode(r);
    }
  }
  std::string ref = disk_state ? r.str() : std::string();
  if (disk_state && (!r.ok() || !r.at_end())) {
    return error::fatal("aggregate " + stage_ + ": checkpoint state is corrupt");
  }
  if (want_disk_ || disk_state) {
    auto st = state::KeyedStore::open(store_opts_, ref);
    if (!st.ok()) return error::fatal("aggregate " + stage_ + ": " + st.err().message);
    store_ = std::move(st).value();
  }
  if (inline_sessions && window_.session() && !inline_sets_) {
    auto m = entries_from_inline_sessions();
    if (!m.ok()) return m;
  }
  if (disk_state && !want_disk_) {
    // backend = memory now, the state on disk from before: read it all into memory.
    auto dump = checkpoint_state();
    store_.reset();
    return open(dump);
  }
  if (!state.empty() && !disk_state) return load_groups(r);  // memory state (or an older one)
  return {};
}

}  // namespace sluice::operators::aggregate
