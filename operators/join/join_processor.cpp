#include "operators/join/join_processor.h"

#include <algorithm>

#include "base/temporal.h"
#include "engine/core/errc.h"
#include "operators/aggregate/agg_state.h"
#include "operators/aggregate/state_codec.h"
#include "operators/common/stage_options.h"
#include "operators/common/statements/loc_text.h"

namespace sluice::operators::join {
namespace {

constexpr const char* kStateTag = "JOIN1;";

struct require_failed {
  std::string message;
};

}  // namespace

result<std::unique_ptr<Processor>> JoinProcessor::make(const StageConfig& cfg) {
  std::unique_ptr<JoinProcessor> p(new JoinProcessor());
  p->stage_ = cfg.name;
  const std::string where = "join " + cfg.name + ": ";
  if (cfg.ast == nullptr) return error::fatal(where + "no definition");
  eval::Scope scope;
  for (const auto& f : cfg.ast->from) scope.join_inputs.push_back(f.name);
  p->n_inputs_ = scope.join_inputs.size();
  if (p->n_inputs_ < 2) return error::fatal(where + "needs at least two inputs");
  if (cfg.ast->join_on.empty()) return error::fatal(where + "needs `on KEY`");
  auto meta = std::make_shared<SourceMeta>();
  meta->connector = "join";
  meta->name = cfg.name;
  meta->table = cfg.name;
  for (const auto& e : cfg.ast->join_on) {
    auto c = eval::compile(*e, scope);
    if (!c.ok()) return error::fatal(where + c.err().message);
    p->on_.push_back(std::move(c.value()));
    if (e->kind == ast::ExprKind::Field && !e->path.empty()) {
      meta->primary_key.push_back(e->path.back());
    }
  }
  if (meta->primary_key.size() != p->on_.size()) meta->primary_key.clear();
  p->meta_ = std::move(meta);
  for (const ast::Statement& s : cfg.ast->statements) {
    if (statements::CompiledStatement::aggregate_only(s.kind)) {
      return error::fatal(where + statements::loc_text(s.loc) +
                          "this statement is not allowed in a join");
    }
    auto c = p->statements_.add(s, scope);
    if (!c.ok()) return error::fatal(where + c.err().message);
  }
  return std::unique_ptr<Processor>(std::move(p));
}

Value JoinProcessor::key_of(size_t input, const Event& e, const Object& row) const {
  std::vector<const Object*> inputs(n_inputs_, nullptr);
  inputs[input] = &row;
  eval::Context ctx;
  ctx.event = &e;
  ctx.row = &row;
  ctx.inputs = &inputs;
  ctx.now = now_;
  if (on_.size() == 1) return on_[0]->eval(ctx);
  List l;
  l.reserve(on_.size());
  for (const auto& x : on_) l.push_back(x->eval(ctx));
  return Value::list(std::move(l));
}

bool JoinProcessor::merge(const Value& key, const Entry& en, const Event& trigger, Event& o) {
  std::vector<const Object*> inputs(n_inputs_, nullptr);
  for (size_t i = 0; i < n_inputs_; ++i) {
    if (en.has[i]) inputs[i] = &en.rows[i];
  }
  o.row = en.rows[0];
  o.key = key;
  eval::Context ctx;
  ctx.event = &trigger;
  ctx.row = &o.row;
  ctx.inputs = &inputs;
  ctx.now = now_;
  auto r = statements_.run(o, ctx);
  if (r == statements::StatementList::Outcome::Fail) {
    throw require_failed{statements_.failed_message()};
  }
  return r == statements::StatementList::Outcome::Continue;
}

void JoinProcessor::change(size_t input, const Value& key, Object* row, const Event& trigger,
                           std::vector<Event>& out) {
  if (key.is_null()) return;
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (row == nullptr) return;
    Entry en;
    en.rows.resize(n_inputs_);
    en.has.assign(n_inputs_, false);
    it = entries_.emplace(key, std::move(en)).first;
  }
  Entry& en = it->second;
  if (row != nullptr) {
    en.rows[input] = std::move(*row);
    en.has[input] = true;
  } else {
    if (!en.has[input]) return;
    en.rows[input].clear();
    en.has[input] = false;
  }
  Event o;
  bool present = false;
  if (en.has[0]) present = merge(key, en, trigger, o);  // may throw: state already updated
  if (present) {
    if (!en.has_output || !(o.row == en.output)) {
      o.op = en.has_output ? Op::Update : Op::Create;
      if (en.has_output) {
        o.before = std::move(en.output);
        o.has_before = true;
      }
      en.output = o.row;
      en.has_output = true;
      o.ts = trigger.ts;
      o.source = meta_;
      out.push_back(std::move(o));
    }
  } else if (en.has_output) {
    Event d;
    d.op = Op::Delete;
    d.row = std::move(en.output);
    d.key = key;
    d.ts = trigger.ts;
    d.source = meta_;
    en.output.clear();
    en.has_output = false;
    out.push_back(std::move(d));
  }
  bool any = en.has_output;
  for (size_t i = 0; i < n_inputs_ && !any; ++i) any = en.has[i];
  if (!any) entries_.erase(it);
}

void JoinProcessor::process(size_t input_index, std::vector<Event>& in, std::vector<Event>& out,
                            std::vector<Event>& dead) {
  now_ = temporal::now_micros();
  for (Event& e : in) {
    if (dead_letter_truncate(e, dead)) continue;
    if (input_index >= n_inputs_) {
      mark_dead(e, stage_, eval::errc::unknown_input, "event from an unknown input");
      dead.push_back(std::move(e));
      continue;
    }
    try {
      auto r = eval::guarded([&] { join_one(input_index, e, out); });
      if (r.ok()) continue;
      mark_dead(e, stage_, r.err());
    } catch (const require_failed& f) {
      mark_dead(e, stage_, engine::errc::require_failed, f.message);
    }
    dead.push_back(std::move(e));
  }
  in.clear();
}

void JoinProcessor::join_one(size_t input_index, const Event& e, std::vector<Event>& out) {
  if (e.op == Op::Delete) {
    change(input_index, key_of(input_index, e, e.row), nullptr, e, out);
    return;
  }
  Value key = key_of(input_index, e, e.row);
  if (e.op == Op::Update && e.has_before) {
    Value old = key_of(input_index, e, e.before);
    if (!(old == key) || old.type() != key.type()) change(input_index, old, nullptr, e, out);
  }
  Object row = e.row;  // the event stays intact for a dead letter
  change(input_index, key, &row, e, out);
}

std::string JoinProcessor::checkpoint_state() const {
  using namespace state_codec;
  std::string s;
  s.reserve(entries_.size() * 128 + 64);
  s += kStateTag;
  put_uint(n_inputs_, s);
  put_uint(entries_.size(), s);
  // In key order, so that equal states give equal blobs.
  std::vector<const std::pair<const Value, Entry>*> sorted;
  sorted.reserve(entries_.size());
  for (const auto& kv : entries_) sorted.push_back(&kv);
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
    return aggregate::ValueLess()(a->first, b->first);
  });
  for (const auto* kv : sorted) {
    const Value& key = kv->first;
    const Entry& en = kv->second;
    put(key, s);
    for (size_t i = 0; i < n_inputs_; ++i) {
      if (en.has[i]) {
        put(Value::object(en.rows[i]), s);
      } else {
        s.push_back('n');
      }
    }
    if (en.has_output) {
      put(Value::object(en.output), s);
    } else {
      s.push_back('n');
    }
  }
  return s;
}

result<void> JoinProcessor::open(const std::string& state) {
  entries_.clear();
  if (state.empty()) return {};
  const std::string where = "join " + stage_ + ": checkpoint state ";
  if (state.compare(0, 6, kStateTag) != 0) return error::fatal(where + "has an unknown format");
  state_codec::Reader r(std::string_view(state).substr(6));
  if (r.uint64() != n_inputs_ || !r.ok()) {
    return error::fatal(where + "was written for a different number of inputs");
  }
  uint64_t count = r.uint64();
  for (uint64_t i = 0; i < count && r.ok(); ++i) {
    Value key = r.value();
    Entry en;
    en.rows.resize(n_inputs_);
    en.has.assign(n_inputs_, false);
    for (size_t k = 0; k < n_inputs_; ++k) {
      Value v = r.value();
      if (v.type() == Type::Object) {
        en.rows[k] = std::move(v.as_object());
        en.has[k] = true;
      }
    }
    Value o = r.value();
    if (o.type() == Type::Object) {
      en.output = std::move(o.as_object());
      en.has_output = true;
    }
    entries_.emplace(std::move(key), std::move(en));
  }
  if (!r.ok() || !r.at_end()) {
    entries_.clear();
    return error::fatal(where + "is corrupt");
  }
  return {};
}

}  // namespace sluice::operators::join
