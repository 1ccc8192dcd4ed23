#include "engine/actors/config_builder.h"

#include <algorithm>

#include "base/secrets.h"
#include "dsl/eval/expr.h"
#include "engine/actors/option_text.h"
#include "engine/core/errc.h"

namespace sluice::engine {
namespace {

using dsl::OptType;

const dsl::OptionSpec* find_spec(const std::vector<dsl::OptionSpec>& specs, const std::string& n) {
  for (const auto& s : specs) {
    if (s.name == n) return &s;
  }
  return nullptr;
}

std::string where(const ast::Option& opt) {
  return std::to_string(opt.loc.line) + ":" + std::to_string(opt.loc.col) + ": option '" +
         opt.name + "': ";
}

result<Value> backoff_value(const ast::Option& opt, const ast::Expr& e) {
  BackoffPolicy p;
  auto dur = [&](const ast::Expr& a) -> result<int64_t> {
    if (a.kind == ast::ExprKind::Literal && a.literal.type() == Type::Int)
      return a.literal.as_int();
    auto v = eval::eval_constant(a);
    if (!v.ok()) return v.err();
    if (v->type() == Type::Int) return v->as_int();
    return error::permanent(errc::invalid_pipeline, where(opt) + "expected a duration");
  };
  if (e.kind == ast::ExprKind::Call && e.op == "fixed" && e.args.size() == 1) {
    auto d = dur(*e.args[0]);
    if (!d.ok()) return d.err();
    p.exponential = false;
    p.min_us = p.max_us = *d;
    return p.to_value();
  }
  if (e.kind == ast::ExprKind::Call && e.op == "exponential" && e.args.size() == 2) {
    auto a = dur(*e.args[0]);
    if (!a.ok()) return a.err();
    auto b = dur(*e.args[1]);
    if (!b.ok()) return b.err();
    p.min_us = *a;
    p.max_us = *b;
    return p.to_value();
  }
  return error::permanent(errc::invalid_pipeline,
                          where(opt) + "expected exponential(MIN, MAX) or fixed(D)");
}

result<Value> constant_value(const ast::Option& opt, const ast::Expr& e, OptType type) {
  if (type == OptType::Backoff) return backoff_value(opt, e);
  if (e.kind == ast::ExprKind::Literal) {
    if (e.unit == ast::LitUnit::Rate && e.literal.type() == Type::Int && e.rate_period_us > 0) {
      // count per period -> per second
      __int128 per_s = static_cast<__int128>(e.literal.as_int()) * 1'000'000 / e.rate_period_us;
      return Value::int64(static_cast<int64_t>(per_s));
    }
    return e.literal;
  }
  if ((type == OptType::Enum || type == OptType::String) && e.kind == ast::ExprKind::Field &&
      e.path.size() == 1) {
    return Value::string(e.path[0]);  // bare identifier: snapshot = initial
  }
  auto v = eval::eval_constant(e);
  if (!v.ok()) return error::permanent(errc::invalid_pipeline, where(opt) + v.err().message);
  return std::move(v).value();
}

}  // namespace

result<void> ConfigBuilder::add_option(const ast::Option& opt, const dsl::OptionSpec* spec,
                                       const std::string& prefix, Object& out,
                                       std::map<std::string, const ast::Expr*>& exprs) {
  const std::string full = prefix.empty() ? opt.name : prefix + "." + opt.name;
  if (opt.is_block && spec && spec->type == OptType::ListMap) {
    Object child;  // "pattern" -> list, in the order written
    for (const auto& c : opt.block) {
      if (!c.value) continue;
      auto v = constant_value(c, *c.value, OptType::StringList);
      if (!v.ok()) return v.err();
      child.set(intern(c.name), std::move(v).value());
    }
    out.set(intern(opt.name), Value::object(std::move(child)));
    return {};
  }
  if (opt.is_block) {
    Object child;
    static const std::vector<dsl::OptionSpec> kNone;
    const auto& children = spec ? spec->children : kNone;
    for (const auto& c : opt.block) {
      const dsl::OptionSpec* cs = spec ? find_spec(children, c.name) : nullptr;
      if (spec && !cs && children.empty()) {
        // free-form block (generate fields): per-record expressions
        if (c.value) exprs[full + "." + c.name] = c.value.get();
        continue;
      }
      auto r = add_option(c, cs, full, child, exprs);
      if (!r.ok()) return r;
    }
    if (spec) fill_defaults(spec->children, child);
    out.set(intern(opt.name), Value::object(std::move(child)));
    return {};
  }
  if (!opt.value) return {};
  if (spec && spec->type == OptType::Expr) {
    exprs[full] = opt.value.get();
    return {};
  }
  if (!spec) {
    // Unknown option (the checker reports it): keep constants, else treat as per-record.
    auto v = constant_value(opt, *opt.value, OptType::Any);
    if (v.ok()) {
      out.set(intern(opt.name), std::move(v).value());
    } else {
      exprs[full] = opt.value.get();
    }
    return {};
  }
  const ast::Expr& e = *opt.value;
  if (spec->type == OptType::Any && e.kind == ast::ExprKind::Field && e.path.size() == 1 &&
      std::find(spec->enum_values.begin(), spec->enum_values.end(), e.path[0]) !=
          spec->enum_values.end()) {
    out.set(intern(opt.name), Value::string(e.path[0]));  // start = earliest
    return {};
  }
  auto v = constant_value(opt, e, spec->type);
  if (!v.ok()) return v.err();
  // A secret option's value is a secret however it was given (env(), a concatenation, ...):
  // redacted from logs, errors, status and dead letters like secret().
  if (spec->type == OptType::Secret && v->type() == Type::String && !v->as_string().empty()) {
    secrets::add(v->as_string());
  }
  out.set(intern(opt.name), std::move(v).value());
  return {};
}

void ConfigBuilder::fill_defaults(const std::vector<dsl::OptionSpec>& specs, Object& out) {
  for (const auto& s : specs) {
    Sym name = intern(s.name);
    if (s.type == OptType::Block) {
      Value* existing = out.find(name);
      if (existing != nullptr) continue;
      Object child;
      fill_defaults(s.children, child);
      if (!child.empty()) out.set(name, Value::object(std::move(child)));
      continue;
    }
    if (out.find(name) != nullptr) continue;
    if (auto v = parse_default_text(s)) out.set(name, std::move(*v));
  }
}

result<StageConfig> ConfigBuilder::stage(const std::string& pipeline, const ast::Stage& st,
                                         const dsl::KindSpec* spec, const std::string& state_dir) {
  StageConfig cfg;
  cfg.pipeline = pipeline;
  cfg.name = st.name;
  cfg.kind = st.kind;
  cfg.ast = &st;
  cfg.state_dir = state_dir;
  for (const auto& f : st.from) cfg.inputs.push_back(f.name);
  const bool common = st.type != ast::StageType::Source;
  static const std::vector<dsl::OptionSpec> kNone;
  const auto& own = spec ? spec->options : kNone;
  const auto& shared = common ? dsl::common_stage_options() : kNone;
  for (const auto& opt : st.options) {
    const dsl::OptionSpec* os = find_spec(own, opt.name);
    if (!os) os = find_spec(shared, opt.name);
    bool free_block = false;
    if (!os && spec && opt.is_block) {
      for (const auto& fb : spec->free_blocks) free_block = free_block || fb == opt.name;
    }
    if (free_block) {  // fields { name = EXPR }: per-record expressions
      for (const auto& c : opt.block) {
        if (c.value) cfg.expr_options[opt.name + "." + c.name] = c.value.get();
      }
      continue;
    }
    auto r = add_option(opt, os, "", cfg.options, cfg.expr_options);
    if (!r.ok())
      return error::permanent(errc::invalid_pipeline,
                              "stage '" + st.name + "': " + r.err().message);
  }
  fill_defaults(own, cfg.options);
  if (common) fill_defaults(shared, cfg.options);
  cfg.parallelism = static_cast<int>(std::max<int64_t>(1, cfg.option_int("parallelism", 1)));
  cfg.schema_changes = spec != nullptr && spec->schema_changes;
  return cfg;
}

result<PipelineSettings> ConfigBuilder::settings(const ast::Pipeline& p,
                                                 const std::string& state_dir_override) {
  Object o;
  std::map<std::string, const ast::Expr*> exprs;
  const auto& specs = dsl::settings_options();
  for (const auto& opt : p.settings) {
    auto r = add_option(opt, find_spec(specs, opt.name), "", o, exprs);
    if (!r.ok())
      return error::permanent(errc::invalid_pipeline,
                              "pipeline '" + p.name + "' settings: " + r.err().message);
  }
  fill_defaults(specs, o);
  PipelineSettings s;
  auto get_int = [&](const char* n, int64_t def) {
    const Value* v = o.find(intern(n));
    return v && v->type() == Type::Int ? v->as_int() : def;
  };
  s.checkpoint_interval_us =
      std::max<int64_t>(1000, get_int("checkpoint_interval", kDefaultCheckpointIntervalUs));
  s.batch_size = std::max<int64_t>(1, get_int("batch_size", kDefaultBatchSize));
  s.restart_attempts = std::max<int64_t>(0, get_int("restart_attempts", kDefaultRestartAttempts));
  s.restart_backoff = BackoffPolicy::from_value(o.find(intern("restart_backoff")));
  if (const Value* st = o.find(intern("state")); st != nullptr && st->type() == Type::Object) {
    const Value* b = st->as_object().find(intern("backend"));
    s.state.on_disk = b == nullptr || b->type() != Type::String || b->as_string() != "memory";
    const Value* m = st->as_object().find(intern("memory"));
    if (m != nullptr && m->type() == Type::Int) s.state.memory_bytes = m->as_int();
  }
  if (!state_dir_override.empty()) {
    s.state_dir = state_dir_override + "/" + p.name;
  } else if (const Value* v = o.find(intern("state_dir")); v && v->type() == Type::String) {
    s.state_dir = v->as_string();
  } else {
    s.state_dir = "var/" + p.name;
  }
  return s;
}

}  // namespace sluice::engine
