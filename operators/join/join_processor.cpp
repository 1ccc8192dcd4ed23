#include "operators/join/join_processor.h"

#include <algorithm>
#include <exception>

#include "base/temporal.h"
#include "engine/core/errc.h"
#include "operators/common/stage_options.h"
#include "operators/common/statements/loc_text.h"

namespace sluice::operators::join {
namespace {

constexpr size_t kMaxExpiriesPerBatch = 10000;  // the rest waits for the next batch

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
  auto o = state_options(cfg, p->n_inputs_);
  if (!o.ok()) return error::fatal(where + o.err().message);
  p->state_ = JoinState(std::move(o).value());
  return std::unique_ptr<Processor>(std::move(p));
}

result<JoinStateOptions> JoinProcessor::state_options(const StageConfig& cfg, size_t n_inputs) {
  JoinStateOptions o;
  o.stage = cfg.name;
  o.n_inputs = n_inputs;
  auto t = read_ttl(cfg, o);
  if (!t.ok()) return t.err();
  // Without a state directory (a stage built outside a pipeline) the state stays in memory.
  o.want_disk = cfg.state.on_disk && !cfg.state_dir.empty();
  o.store.dir = cfg.state_dir + "/state/" + cfg.name + "/" + std::to_string(cfg.instance);
  o.store.pipeline = cfg.pipeline;
  o.store.name = cfg.name + "/" + std::to_string(cfg.instance);
  o.store.memory_bytes = cfg.state.memory_bytes;
  // Decoded entries kept between batches: an eighth of the budget at ~1 KB an entry.
  o.cache_limit = static_cast<size_t>(std::max<int64_t>(0, cfg.state.memory_bytes / 8 / 1024));
  return o;
}

// `ttl = D` (every input) or `ttl { after = D  inputs = [A, B] }`.
result<void> JoinProcessor::read_ttl(const StageConfig& cfg, JoinStateOptions& o) {
  o.expiring.assign(o.n_inputs, true);
  const Value* v = cfg.option("ttl");
  if (v == nullptr || v->is_null()) return {};
  const Value* after = v;
  const Value* inputs = nullptr;
  if (v->type() == Type::Object) {
    after = v->as_object().find(intern("after"));
    inputs = v->as_object().find(intern("inputs"));
  }
  if (after == nullptr || after->type() != Type::Int || after->as_int() <= 0) {
    return error::fatal("ttl needs a positive duration (ttl = 30d, or ttl { after = 30d })");
  }
  o.ttl_us = after->as_int();
  if (inputs == nullptr || inputs->is_null()) return {};
  if (inputs->type() != Type::List) return error::fatal("ttl: inputs must be a list of inputs");
  o.expiring.assign(o.n_inputs, false);
  for (const Value& name : inputs->as_list()) {
    auto at = name.type() == Type::String
                  ? std::find(cfg.inputs.begin(), cfg.inputs.end(), name.as_string())
                  : cfg.inputs.end();
    if (at == cfg.inputs.end()) {
      std::string names;
      for (const auto& in : cfg.inputs) names += (names.empty() ? "" : ", ") + in;
      return error::fatal("ttl: " + name.to_display() +
                          " is not an input of the join (inputs: " + names + ")");
    }
    o.expiring[static_cast<size_t>(at - cfg.inputs.begin())] = true;
  }
  return {};
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

bool JoinProcessor::merge(const Value& key, const JoinEntry& en, const Event& trigger, Event& o) {
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
  JoinEntry* found = state_.find(key);
  if (found == nullptr ? row == nullptr : row == nullptr && !found->has[input]) return;
  JoinEntry& en = state_.touch(key);
  if (row != nullptr) {
    en.rows[input] = std::move(*row);
    en.has[input] = true;
    en.changed[input] = trigger.ts;
  } else {
    en.rows[input].clear();
    en.has[input] = false;
    en.changed[input] = 0;
  }
  update_output(key, en, trigger, out);  // may throw: the state is already updated
}

void JoinProcessor::update_output(const Value& key, JoinEntry& en, const Event& trigger,
                                  std::vector<Event>& out) {
  Event o;
  bool present = false;
  if (en.has[0]) present = merge(key, en, trigger, o);
  if (present) {
    if (en.has_output && o.row == en.output) return;
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
}

template <class F>
bool JoinProcessor::evaluate(F&& f, Event& e, std::vector<Event>& dead, const std::string& what) {
  std::exception_ptr store_failed;
  try {
    auto r = eval::guarded([&] {
      try {
        f();
      } catch (const state::store_error&) {  // not the event's fault: fails the pipeline
        store_failed = std::current_exception();
      }
    });
    if (store_failed) std::rethrow_exception(store_failed);
    if (r.ok()) return true;
    error err = r.err();
    err.message = what + err.message;
    mark_dead(e, stage_, err);
  } catch (const require_failed& rf) {
    mark_dead(e, stage_, engine::errc::require_failed, what + rf.message);
  }
  dead.push_back(std::move(e));
  return false;
}

void JoinProcessor::process(size_t input_index, std::vector<Event>& in, std::vector<Event>& out,
                            std::vector<Event>& dead) {
  now_ = temporal::now_micros();
  if (state_.on_disk() && input_index < n_inputs_) prefetch(input_index, in);
  for (Event& e : in) {
    if (dead_letter_truncate(e, dead)) continue;
    if (input_index >= n_inputs_) {
      mark_dead(e, stage_, eval::errc::unknown_input, "event from an unknown input");
      dead.push_back(std::move(e));
      continue;
    }
    state_.advance(e.ts);
    evaluate([&] { join_one(input_index, e, out); }, e, dead, "");
  }
  in.clear();
  state_.flush();
  expire(out, dead);
}

void JoinProcessor::prefetch(size_t input_index, const std::vector<Event>& in) {
  keys_buf_.clear();
  auto add = [&](const Event& e, const Object& row) {
    auto k = eval::guarded([&] { return key_of(input_index, e, row); });
    if (k.ok()) keys_buf_.push_back(std::move(k).value());  // (an error: join_one says it)
  };
  for (const Event& e : in) {
    if (e.op == Op::Truncate) continue;
    add(e, e.row);
    if (e.op == Op::Update && e.has_before) add(e, e.before);
  }
  state_.prefetch(keys_buf_);
}

void JoinProcessor::expire(std::vector<Event>& out, std::vector<Event>& dead) {
  std::vector<Value> keys = state_.due(state_.clock(), kMaxExpiriesPerBatch);
  if (keys.empty()) return;
  // In key order: the same output in either backend (their indexes order ties differently).
  std::sort(keys.begin(), keys.end(), aggregate::ValueLess());
  for (const Value& key : keys) expire_entry(key, out, dead);
  state_.flush();
}

void JoinProcessor::expire_entry(const Value& key, std::vector<Event>& out,
                                 std::vector<Event>& dead) {
  if (state_.find(key) == nullptr) return;
  JoinEntry& en = state_.touch(key);
  // The trigger: a delete of the (first) expired row, at the clock's time.
  Event trigger;
  trigger.op = Op::Delete;
  trigger.key = key;
  trigger.ts = state_.clock();
  trigger.source = meta_;
  bool any = false;
  for (size_t i = 0; i < n_inputs_; ++i) {
    if (!en.has[i] || state_.expiry(en, i) >= state_.clock()) continue;
    if (!any) trigger.row = std::move(en.rows[i]);
    en.rows[i].clear();
    en.has[i] = false;
    en.changed[i] = 0;
    any = true;
    ++expired_;
  }
  if (!any) return;
  evaluate([&] { update_output(key, en, trigger, out); }, trigger, dead, "ttl expiry: ");
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

std::string JoinProcessor::checkpoint_state() const { return state_.canonical(); }

result<std::string> JoinProcessor::checkpoint(uint64_t id) { return state_.checkpoint(id); }

void JoinProcessor::checkpoint_committed(uint64_t id) { state_.committed(id); }

result<void> JoinProcessor::open(const std::string& state) { return state_.open(state); }

}  // namespace sluice::operators::join
