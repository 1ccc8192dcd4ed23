#include "dsl/checker.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "dsl/eval/functions.h"
#include "dsl/expr_checker.h"
#include "dsl/graph_checker.h"
#include "dsl/suggest.h"
#include "dsl/test_checker.h"

namespace sluice::dsl {

namespace {

using eval::SType;

Role role_of(ast::StageType t) {
  switch (t) {
    case ast::StageType::Source:
      return Role::Source;
    case ast::StageType::Transform:
      return Role::Transform;
    case ast::StageType::Aggregate:
      return Role::Aggregate;
    case ast::StageType::Join:
      return Role::Join;
    case ast::StageType::Sink:
      return Role::Sink;
  }
  return Role::Transform;
}

std::string describe(const ast::Stage& s) {
  std::string out = ast::stage_type_name(s.type);
  if (!s.kind.empty()) out += " " + s.kind;
  return out + " '" + s.name + "'";
}

std::string line_of(ast::Loc loc) { return "line " + std::to_string(loc.line); }

std::string format_amount(const OptionSpec& spec, int64_t v) {
  switch (spec.type) {
    case OptType::Duration:
      if (v % 86400000000LL == 0 && v != 0) return std::to_string(v / 86400000000LL) + "d";
      if (v % 3600000000LL == 0 && v != 0) return std::to_string(v / 3600000000LL) + "h";
      if (v % 60000000LL == 0 && v != 0) return std::to_string(v / 60000000LL) + "m";
      if (v % 1000000LL == 0 && v != 0) return std::to_string(v / 1000000LL) + "s";
      if (v % 1000LL == 0) return std::to_string(v / 1000LL) + "ms";
      return std::to_string(v) + "us";
    case OptType::Size:
      return std::to_string(v) + " bytes";
    case OptType::Rate:
      return std::to_string(v) + "/s";
    default:
      return std::to_string(v);
  }
}

class Checker {
 public:
  Checker(const SpecRegistry& registry, Diagnostics& diags)
      : registry_(registry), diags_(diags), exprs_(diags) {}

  void file(const ast::File& f) {
    std::map<std::string, ast::Loc> names;
    for (const auto& p : f.pipelines) {
      auto [it, fresh] = names.emplace(p.name, p.loc);
      if (!fresh) {
        diags_.error(p.loc, "duplicate pipeline name '" + p.name + "' (first defined at " +
                                line_of(it->second) + "); pipeline names must be unique");
      }
      pipeline(p);
    }
  }

 private:
  void pipeline(const ast::Pipeline& p) {
    dead_letters_.clear();
    check_options(p.settings, to_ptrs(settings_options()), "settings", p.settings_loc, nullptr,
                  nullptr);
    for (const auto& s : p.stages) stage(s);
    check_graph(p, dead_letters_, diags_);
  }

  static std::vector<const OptionSpec*> to_ptrs(const std::vector<OptionSpec>& v) {
    std::vector<const OptionSpec*> out;
    for (const auto& o : v) out.push_back(&o);
    return out;
  }

  std::vector<std::string> kinds_of(Role role) const {
    std::vector<std::string> out;
    for (const auto& k : registry_.all()) {
      if (k.role == role) out.push_back(k.kind);
    }
    return out;
  }

  void stage(const ast::Stage& s) {
    Role role = role_of(s.type);
    const KindSpec* spec = nullptr;
    bool kind_ok = true;
    if (s.type == ast::StageType::Source || s.type == ast::StageType::Sink) {
      spec = registry_.find(role, s.kind);
      if (spec == nullptr) {
        kind_ok = false;
        auto known = kinds_of(role);
        diags_.error(s.kind_loc, std::string("unknown ") + ast::stage_type_name(s.type) +
                                     " kind '" + s.kind + "'" + did_you_mean(s.kind, known) +
                                     " (known " + ast::stage_type_name(s.type) +
                                     " kinds: " + join_names(known) + ")");
      }
    } else {
      spec = registry_.find(role, ast::stage_type_name(s.type));
      if (spec == nullptr) {
        for (const auto& k : registry_.all()) {
          if (k.role == role) spec = &k;
        }
      }
      if (spec == nullptr) {
        diags_.error(s.loc, std::string(ast::stage_type_name(s.type)) +
                                " stages are not available in this build (no " +
                                ast::stage_type_name(s.type) + " operator is registered)");
      }
    }
    std::vector<const OptionSpec*> specs;
    if (spec != nullptr) {
      for (const auto& o : spec->options) specs.push_back(&o);
    }
    if (s.type != ast::StageType::Source) {
      for (const auto& o : common_stage_options()) {
        bool dup = false;
        for (const auto* have : specs) dup = dup || have->name == o.name;
        if (!dup) specs.push_back(&o);
      }
    }
    if (!kind_ok) {
      // Still note its dead_letter, so that the target sink is not reported as unused.
      for (const auto& o : s.options) {
        if (o.name == "dead_letter" && o.value && o.value->kind == ast::ExprKind::Field &&
            o.value->path.size() == 1) {
          dead_letters_.push_back({&s, o.value->path[0], o.value->loc});
        }
      }
    } else {
      check_options(s.options, specs, describe(s), s.name_loc,
                    spec != nullptr ? &spec->free_blocks : nullptr, &s);
      buffer_vs_batch(s);
    }
    if (s.type == ast::StageType::Join && s.from.size() < 2) {
      diags_.error(s.name_loc, "join '" + s.name +
                                   "' needs at least two inputs (from A, B); it has " +
                                   std::to_string(s.from.size()));
    }
    for (const auto& k : s.join_on) {
      ExprScope sc;
      for (const auto& f : s.from) sc.join_inputs.push_back(f.name);
      sc.what = "the join key";
      exprs_.check(*k, sc);
    }
    statements(s);
  }

  void statements(const ast::Stage& s) {
    bool aggregate = s.type == ast::StageType::Aggregate;
    int group_bys = 0;
    std::set<std::string> agg_fields;
    for (const auto& st : s.statements) {
      ExprScope sc;
      if (s.type == ast::StageType::Join) {
        for (const auto& f : s.from) sc.join_inputs.push_back(f.name);
      }
      switch (st.kind) {
        case ast::StmtKind::Where:
        case ast::StmtKind::Require: {
          sc.what = st.kind == ast::StmtKind::Where ? "where" : "require";
          for (const auto& e : st.exprs) {
            SType t = exprs_.check(*e, sc);
            if (is_known(t) && t != SType::Bool) {
              diags_.error(e->loc, sc.what + " needs a bool condition, got " + stype_name(t));
            }
          }
          break;
        }
        case ast::StmtKind::Set:
        case ast::StmtKind::Select:
        case ast::StmtKind::Key:
          sc.what = "the expression";
          for (const auto& e : st.exprs) exprs_.check(*e, sc);
          break;
        case ast::StmtKind::GroupBy:
          if (!aggregate) {
            diags_.error(st.loc, "group by is only allowed in an aggregate stage");
          } else if (++group_bys > 1) {
            diags_.error(st.loc,
                         "an aggregate takes one `group by`; list every key in it: "
                         "group by a, b");
          }
          for (const auto& e : st.exprs) exprs_.check(*e, sc);
          break;
        case ast::StmtKind::Window:
          window(s, st);
          break;
        case ast::StmtKind::AggField: {
          const std::string name = st.paths.empty() || st.paths[0].segments.empty()
                                       ? std::string()
                                       : st.paths[0].segments[0];
          if (!agg_fields.insert(name).second) {
            diags_.error(st.loc, "aggregate field '" + name + "' is defined twice");
          }
          if (st.exprs.empty() || !st.exprs[0]) break;
          const ast::Expr& e = *st.exprs[0];
          bool is_agg = e.kind == ast::ExprKind::Call && eval::find_aggregate(e.op) != nullptr &&
                        e.op != "tumbling";
          bool unknown_fn = e.kind == ast::ExprKind::Call &&
                            eval::find_aggregate(e.op) == nullptr &&
                            eval::find_function(e.op) == nullptr;
          if (!is_agg && !unknown_fn) {
            std::vector<std::string> common;
            for (const auto& o : common_stage_options()) common.push_back(o.name);
            std::string hint = closest(name, common);
            diags_.error(e.loc,
                         "aggregate field '" + name +
                             "' must be an aggregate function call (count, count_distinct, sum, "
                             "avg, min, max, first, last, collect_set, collect_list)" +
                             (hint.empty() ? std::string()
                                           : "; or did you mean the option '" + hint + "'?"));
          }
          sc.what = "aggregate field '" + name + "'";
          sc.aggregate_top = true;
          // When the whole value is not an aggregate call, that one error is enough.
          sc.aggregate_anywhere = !is_agg && !unknown_fn;
          exprs_.check(e, sc);
          break;
        }
        case ast::StmtKind::Drop:
        case ast::StmtKind::Keep:
        case ast::StmtKind::Rename:
        case ast::StmtKind::Flatten:
          break;
      }
    }
  }

  // A `buffer` below one batch makes reading and writing alternate: the batch fills only
  // while nothing else is in flight.
  void buffer_vs_batch(const ast::Stage& s) {
    const ast::Option* buffer = ast::find_option(s.options, "buffer");
    const ast::Option* batch = ast::find_option(s.options, "batch");
    if (buffer == nullptr || batch == nullptr) return;
    std::optional<int64_t> rows = ast::literal_int(ast::find_option(batch->block, "rows"));
    std::optional<int64_t> n = ast::literal_int(buffer);
    if (!rows || !n || *n >= *rows * 2) return;
    diags_.warning(buffer->loc, "buffer = " + std::to_string(*n) + " holds less than two of this " +
                                    "stage's batches (batch.rows = " + std::to_string(*rows) +
                                    "): its inputs stop while a batch is written; raise it to " +
                                    std::to_string(*rows * 4) + " or leave it out (the default " +
                                    "is 4 x batch.rows)");
  }

  void window(const ast::Stage& s, const ast::Statement& st) {
    if (s.type != ast::StageType::Aggregate) {
      diags_.error(st.loc, "window is only allowed in an aggregate stage");
      return;
    }
    if (st.exprs.empty() || !st.exprs[0]) return;
    const ast::Expr& c = *st.exprs[0];
    if (c.op != "tumbling") {
      diags_.error(c.loc, "unknown window '" + c.op + "'" + did_you_mean(c.op, {"tumbling"}) +
                              " (windows: tumbling(D))");
      return;
    }
    if (c.args.size() != 1) {
      diags_.error(c.loc, "tumbling() takes 1 argument (a duration like 1h), got " +
                              std::to_string(c.args.size()));
      return;
    }
    const ast::Expr& d = *c.args[0];
    if (d.kind != ast::ExprKind::Literal || d.unit != ast::LitUnit::Duration) {
      diags_.error(d.loc, "tumbling() needs a duration like 1h or 15m");
    } else if (d.literal.as_int() <= 0) {
      diags_.error(d.loc, "the window duration must be positive");
    }
  }

  // ---------------------------------------------------------------- options

  void check_options(const std::vector<ast::Option>& given,
                     const std::vector<const OptionSpec*>& specs, const std::string& owner,
                     ast::Loc owner_loc, const std::vector<std::string>* free_blocks,
                     const ast::Stage* stage) {
    std::map<std::string, ast::Loc> seen;
    std::vector<std::string> names;
    for (const auto* s : specs) names.push_back(s->name);
    if (free_blocks != nullptr) {
      for (const auto& b : *free_blocks) names.push_back(b);
    }
    for (const auto& o : given) {
      auto [it, fresh] = seen.emplace(o.name, o.loc);
      if (!fresh) {
        diags_.error(
            o.loc, "option '" + o.name + "' is given twice (first at " + line_of(it->second) + ")");
        continue;
      }
      if (free_blocks != nullptr &&
          std::find(free_blocks->begin(), free_blocks->end(), o.name) != free_blocks->end()) {
        free_block(o);
        continue;
      }
      const OptionSpec* spec = nullptr;
      for (const auto* s : specs) {
        if (s->name == o.name) spec = s;
      }
      if (spec == nullptr && o.name == "select" && o.is_block && stage != nullptr &&
          stage->type != ast::StageType::Source && stage->type != ast::StageType::Sink) {
        diags_.error(o.loc,
                     "select takes an object with `name: expr` entries separated by "
                     "commas: select { id: id, total: amount * 2 }");
        continue;
      }
      if (spec == nullptr) {
        std::string msg =
            "unknown option '" + o.name + "' for " + owner + did_you_mean(o.name, names);
        msg += names.empty() ? " (it takes no options)" : " (options: " + join_names(names) + ")";
        diags_.error(o.loc, msg);
        continue;
      }
      option(o, *spec, stage);
    }
    for (const auto* s : specs) {
      if (s->required && seen.find(s->name) == seen.end()) {
        diags_.error(owner_loc, owner + " is missing the required option '" + s->name + "' (" +
                                    opt_type_name(s->type) + "); add `" + s->name +
                                    (s->type == OptType::Block ? " { ... }`" : " = ...`"));
      }
    }
    if (stage != nullptr) {
      // on_error = dead_letter needs a dead_letter.
      auto on_error = std::find_if(given.begin(), given.end(),
                                   [](const ast::Option& o) { return o.name == "on_error"; });
      if (on_error != given.end() && on_error->value &&
          on_error->value->kind == ast::ExprKind::Field && on_error->value->path.size() == 1 &&
          on_error->value->path[0] == "dead_letter" && seen.find("dead_letter") == seen.end()) {
        diags_.error(on_error->value->loc,
                     "on_error = dead_letter needs a dead-letter sink: add "
                     "dead_letter = SINKNAME");
      }
    }
  }

  void free_block(const ast::Option& o) {
    if (!o.is_block) {
      diags_.error(o.loc, "'" + o.name + "' is a block: write " + o.name + " { name = EXPR ... }");
      return;
    }
    std::map<std::string, ast::Loc> seen;
    for (const auto& c : o.block) {
      if (!seen.emplace(c.name, c.loc).second) {
        diags_.error(c.loc, "'" + c.name + "' is defined twice in " + o.name);
      }
      if (c.is_block || !c.value) {
        diags_.error(
            c.loc, "'" + c.name + "' in " + o.name + " takes an expression: " + c.name + " = EXPR");
        continue;
      }
      ExprScope sc;
      sc.allow_generate = true;
      sc.what = "'" + c.name + "'";
      exprs_.check(*c.value, sc);
    }
  }

  void option(const ast::Option& o, const OptionSpec& spec, const ast::Stage* stage) {
    if (spec.type == OptType::ListMap && o.is_block) {
      list_map(o, spec, stage);
      return;
    }
    if (spec.type == OptType::Block) {
      if (!o.is_block) {
        diags_.error(o.loc, "option '" + o.name + "' is a block: write " + o.name + " { ... }");
        return;
      }
      check_options(o.block, to_ptrs(spec.children), "'" + o.name + "'", o.loc, nullptr, nullptr);
      return;
    }
    if (o.is_block || !o.value) {
      diags_.error(o.loc, "option '" + o.name + "' takes a value: write " + o.name + " = ...");
      return;
    }
    value(o, *o.value, spec, stage);
  }

  // key { "bank.audit_log" = ["ts", "user_id"]  "bank.*_log" = ["id"] }: each entry a list.
  void list_map(const ast::Option& o, const OptionSpec& spec, const ast::Stage* stage) {
    OptionSpec entry = spec;
    entry.type = OptType::StringList;
    std::map<std::string, ast::Loc> seen;
    for (const auto& c : o.block) {
      if (!seen.emplace(c.name, c.loc).second) {
        diags_.error(c.loc, "'" + c.name + "' is given twice in " + o.name);
      }
      if (c.is_block || !c.value) {
        diags_.error(c.loc, "'" + c.name + "' in " + o.name + " takes a list: \"" + c.name +
                                "\" = [\"a\", \"b\"]");
        continue;
      }
      value(c, *c.value, entry, stage);
    }
  }

  void type_error(const ast::Option& o, const ast::Expr& e, const std::string& want, SType got) {
    std::string got_text = stype_name(got);
    if (e.kind == ast::ExprKind::Literal) {
      if (e.unit == ast::LitUnit::Duration)
        got_text = "a duration";
      else if (e.unit == ast::LitUnit::Size)
        got_text = "a size";
      else if (e.unit == ast::LitUnit::Rate)
        got_text = "a rate";
      else if (got == SType::String)
        got_text = "the string " + e.literal.to_display();
      else
        got_text = std::string(stype_name(got)) + " " + e.literal.to_display();
    }
    diags_.error(e.loc, "option '" + o.name + "' expects " + want + ", got " + got_text);
  }

  // env(), secret(), secret_file(): the functions allowed only in options.
  static bool is_env_call(const ast::Expr& e) {
    if (e.kind != ast::ExprKind::Call) return false;
    const auto* f = eval::find_function(e.op);
    return f != nullptr && f->option_only;
  }

  void range(const ast::Option& o, const ast::Expr& e, const OptionSpec& spec, int64_t v) {
    if (v < spec.min || v > spec.max) {
      std::string bound;
      if (spec.min != INT64_MIN && spec.max != INT64_MAX) {
        bound =
            "between " + format_amount(spec, spec.min) + " and " + format_amount(spec, spec.max);
      } else if (spec.min != INT64_MIN) {
        bound = "at least " + format_amount(spec, spec.min);
      } else {
        bound = "at most " + format_amount(spec, spec.max);
      }
      diags_.error(e.loc,
                   "option '" + o.name + "' must be " + bound + ", got " + format_amount(spec, v));
    }
  }

  void value(const ast::Option& o, const ast::Expr& e, const OptionSpec& spec,
             const ast::Stage* stage) {
    ExprScope constant;
    constant.per_record = false;
    constant.allow_env = true;
    constant.constructors = true;
    constant.what = "option '" + o.name + "'";
    switch (spec.type) {
      case OptType::Expr: {
        ExprScope sc;
        sc.allow_env = true;
        sc.what = "option '" + o.name + "'";
        exprs_.check(e, sc);
        return;
      }
      case OptType::Enum: {
        std::string v;
        if (e.kind == ast::ExprKind::Field && e.path.size() == 1) {
          v = e.path[0];
        } else if (e.kind == ast::ExprKind::Literal && e.literal.type() == Type::String) {
          v = e.literal.as_string();
        } else if (e.kind == ast::ExprKind::Literal && e.unit == ast::LitUnit::None &&
                   (e.literal.type() == Type::Null || e.literal.type() == Type::Bool)) {
          v = e.literal.to_display();
        } else if (is_env_call(e)) {
          exprs_.check(e, constant);
          return;
        } else {
          diags_.error(e.loc, "option '" + o.name +
                                  "' expects one of: " + join_names(spec.enum_values, " | "));
          return;
        }
        if (std::find(spec.enum_values.begin(), spec.enum_values.end(), v) ==
            spec.enum_values.end()) {
          diags_.error(e.loc, "invalid value '" + v + "' for option '" + o.name + "'" +
                                  did_you_mean(v, spec.enum_values) +
                                  " (allowed: " + join_names(spec.enum_values, ", ") + ")");
        }
        return;
      }
      case OptType::Backoff:
        backoff(o, e);
        return;
      case OptType::Any:
        // Words an Any option takes bare besides its other forms (mysql start = earliest).
        if (e.kind == ast::ExprKind::Field && e.path.size() == 1 &&
            std::find(spec.enum_values.begin(), spec.enum_values.end(), e.path[0]) !=
                spec.enum_values.end()) {
          return;
        }
        break;
      default:
        break;
    }
    if (o.name == "dead_letter" && stage != nullptr && spec.type == OptType::String) {
      if (e.kind == ast::ExprKind::Field && e.path.size() == 1) {
        dead_letters_.push_back({stage, e.path[0], e.loc});
      } else if (e.kind == ast::ExprKind::Literal && e.literal.type() == Type::String) {
        dead_letters_.push_back({stage, e.literal.as_string(), e.loc});
      } else {
        diags_.error(e.loc, "dead_letter names a sink stage of this pipeline: dead_letter = NAME");
      }
      return;
    }
    SType t = exprs_.check(e, constant);
    bool env = is_env_call(e) || t == SType::Unknown;
    bool lit = e.kind == ast::ExprKind::Literal;
    switch (spec.type) {
      case OptType::String:
      case OptType::Secret:
        if (!env && t != SType::String) type_error(o, e, "a string", t);
        if (spec.type == OptType::Secret && lit && t == SType::String) {
          diags_.warning(e.loc, "option '" + o.name +
                                    "' is a secret written in the file; use "
                                    "secret(\"NAME\") or env(\"NAME\")");
        }
        return;
      case OptType::Int:
        if (lit && e.unit != ast::LitUnit::None) {
          type_error(o, e, "an integer", t);
        } else if (!env && t != SType::Int && t != SType::UInt) {
          type_error(o, e, "an integer", t);
        } else if (lit && t == SType::Int) {
          range(o, e, spec, e.literal.as_int());
        }
        return;
      case OptType::Bool:
        if (!env && t != SType::Bool) type_error(o, e, "true or false", t);
        return;
      case OptType::Duration:
      case OptType::Size:
      case OptType::Rate: {
        ast::LitUnit want = spec.type == OptType::Duration ? ast::LitUnit::Duration
                            : spec.type == OptType::Size   ? ast::LitUnit::Size
                                                           : ast::LitUnit::Rate;
        const char* example = spec.type == OptType::Duration ? "a duration like 100ms or 5s"
                              : spec.type == OptType::Size   ? "a size like 64KB or 16MB"
                                                             : "a rate like 5000/s or 300/m";
        if (lit && e.unit == want) {
          int64_t v = e.literal.as_int();
          if (want == ast::LitUnit::Rate && e.rate_period_us > 0) {
            v = static_cast<int64_t>(static_cast<__int128>(v) * 1000000 / e.rate_period_us);
            if (v == 0 && e.literal.as_int() > 0) v = 1;
          }
          range(o, e, spec, v);
        } else if (!env || lit) {
          type_error(o, e, example, t);
        }
        return;
      }
      case OptType::StringList:
      case OptType::ListMap:
        if (e.kind == ast::ExprKind::ListLit) {
          for (const auto& item : e.args) {
            SType it = item ? exprs_.check(*item, constant) : SType::Unknown;
            (void)it;
            if (item && is_known(literal_or(*item)) && literal_or(*item) != SType::String) {
              diags_.error(item->loc, "option '" + o.name +
                                          "' takes a list of strings; this item"
                                          " is " +
                                          stype_name(literal_or(*item)));
            }
          }
        } else if (!env || lit) {
          type_error(o, e, "a list of strings like [\"a\", \"b\"]", t);
        }
        return;
      default:
        return;  // Any: any constant
    }
  }

  static SType literal_or(const ast::Expr& e) {
    return e.kind == ast::ExprKind::Literal ? literal_type(e) : SType::Unknown;
  }

  void backoff(const ast::Option& o, const ast::Expr& e) {
    const char* usage = "exponential(MIN, MAX) or fixed(D), e.g. exponential(100ms, 10s)";
    if (e.kind != ast::ExprKind::Call || (e.op != "exponential" && e.op != "fixed")) {
      std::string hint = e.kind == ast::ExprKind::Call
                             ? did_you_mean(e.op, {"exponential", "fixed"})
                             : std::string();
      diags_.error(e.loc, "option '" + o.name + "' expects " + usage + hint);
      return;
    }
    size_t want = e.op == "exponential" ? 2 : 1;
    if (e.args.size() != want) {
      diags_.error(e.loc, e.op + "() takes " + std::to_string(want) + " duration" +
                              (want == 1 ? "" : "s") + ", got " + std::to_string(e.args.size()));
      return;
    }
    for (const auto& a : e.args) {
      if (a->kind != ast::ExprKind::Literal || a->unit != ast::LitUnit::Duration) {
        diags_.error(a->loc, e.op + "() takes durations like 100ms or 10s");
      }
    }
    if (want == 2 && e.args[0]->unit == ast::LitUnit::Duration &&
        e.args[1]->unit == ast::LitUnit::Duration &&
        e.args[0]->literal.as_int() > e.args[1]->literal.as_int()) {
      diags_.error(e.loc, "exponential(MIN, MAX): MIN is larger than MAX");
    }
  }

  const SpecRegistry& registry_;
  Diagnostics& diags_;
  ExprChecker exprs_;
  std::vector<DeadLetterRef> dead_letters_;
};

}  // namespace

void check(const ast::File& file, const SpecRegistry& registry, Diagnostics& diags) {
  Checker c(registry, diags);
  c.file(file);
  check_tests(file, diags);
}

}  // namespace sluice::dsl
