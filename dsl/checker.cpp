#include "dsl/checker.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "dsl/eval/functions.h"
#include "dsl/expr_checker.h"
#include "dsl/graph_checker.h"
#include "dsl/option_checker.h"
#include "dsl/suggest.h"
#include "dsl/test_checker.h"
#include "dsl/unique_options.h"

namespace sluice::dsl {

namespace {

using eval::SType;

std::string line_of(ast::Loc loc) { return "line " + std::to_string(loc.line); }

class Checker {
 public:
  Checker(const SpecRegistry& registry, Diagnostics& diags)
      : registry_(registry), diags_(diags), exprs_(diags), options_(diags, dead_letters_) {}

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
    check_unique_options(f, registry_, diags_);
  }

 private:
  void pipeline(const ast::Pipeline& p) {
    dead_letters_.clear();
    options_.check(p.settings, OptionChecker::to_ptrs(settings_options()), "settings",
                   p.settings_loc, nullptr, nullptr);
    for (const auto& s : p.stages) stage(s);
    check_graph(p, dead_letters_, registry_, diags_);
  }

  std::vector<std::string> kinds_of(Role role) const {
    std::vector<std::string> out;
    for (const auto& k : registry_.all()) {
      if (k.role == role) out.push_back(k.kind);
    }
    return out;
  }

  void stage(const ast::Stage& s) {
    Role role = s.type;
    const KindSpec* spec = registry_.find(role, s.kind);
    bool kind_ok = spec != nullptr;
    if (spec == nullptr) {
      auto known = kinds_of(role);
      diags_.error(s.kind_loc, std::string("unknown ") + role_name(role) + " kind '" + s.kind +
                                   "'" + did_you_mean(s.kind, known) + " (known " +
                                   role_name(role) + " kinds: " + join_names(known) + ")");
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
    option_names_.clear();
    for (const auto* o : specs) option_names_.push_back(o->name);
    if (!kind_ok) {
      // Still note its dead_letter, so that the target sink is not reported as unused.
      for (const auto& o : s.options) {
        if (o.name == "dead_letter" && o.value && o.value->kind == ast::ExprKind::Field &&
            o.value->path.size() == 1) {
          dead_letters_.push_back({&s, o.value->path[0], o.value->loc});
        }
      }
    } else {
      options_.check(s.options, specs, ast::describe(s), s.name_loc,
                     spec != nullptr ? &spec->free_blocks : nullptr, &s);
      buffer_vs_batch(s);
    }
    if (spec != nullptr && s.type == ast::StageType::Processor) shape(s, spec->shape);
    if (kind_ok) statements(s, spec->shape);
  }

  // What the processor's kind says of its inputs and `on` keys.
  void shape(const ast::Stage& s, const ProcessorShape& sh) {
    if (s.from.size() < sh.min_inputs) {
      diags_.error(s.name_loc, s.kind + " '" + s.name + "' needs at least " +
                                   count_word(sh.min_inputs) + " inputs (from A, B); it has " +
                                   std::to_string(s.from.size()));
    }
    if (sh.keyed_on && s.join_on.empty()) {
      diags_.error(s.name_loc, s.kind + " '" + s.name + "' needs its key: on KEY[, KEY]");
    }
    if (!sh.keyed_on && !s.join_on.empty()) {
      diags_.error(s.join_on[0]->loc, s.kind + " '" + s.name + "' takes no `on` keys");
    }
    for (const auto& k : s.join_on) {
      ExprScope sc;
      for (const auto& f : s.from) sc.join_inputs.push_back(f.name);
      sc.what = "the " + s.kind + " key";
      exprs_.check(*k, sc);
    }
  }

  static std::string count_word(size_t n) {
    static const char* words[] = {"zero", "one", "two", "three", "four"};
    return n < 5 ? words[n] : std::to_string(n);
  }

  // `name = expr` that is no option: a field where the kind takes fields, else unknown.
  void not_an_option(const ast::Statement& st, const std::string& name, const ast::Stage& s) {
    diags_.error(st.loc, "unknown option '" + name + "' for " + ast::describe(s) +
                             did_you_mean(name, option_names_) +
                             " (options: " + join_names(option_names_) + ")");
  }

  void statements(const ast::Stage& s, const ProcessorShape& sh) {
    bool aggregate = sh.fields;
    int group_bys = 0;
    bool windowed = false;
    std::set<std::string> agg_fields;
    for (const auto& st : s.statements) {
      ExprScope sc;
      if (sh.input_names) {
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
          windowed = true;
          window(aggregate, st);
          break;
        case ast::StmtKind::AggField: {
          const std::string name = st.paths.empty() || st.paths[0].segments.empty()
                                       ? std::string()
                                       : st.paths[0].segments[0];
          if (!aggregate) {
            not_an_option(st, name, s);
            break;
          }
          if (!agg_fields.insert(name).second) {
            diags_.error(st.loc, "aggregate field '" + name + "' is defined twice");
          }
          if (st.exprs.empty() || !st.exprs[0]) break;
          const ast::Expr& e = *st.exprs[0];
          bool is_agg = e.kind == ast::ExprKind::Call && eval::find_aggregate(e.op) != nullptr &&
                        e.op != "tumbling" && e.op != "hopping" && e.op != "session";
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
    if (aggregate) window_options(s, windowed);
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

  void window(bool aggregate, const ast::Statement& st) {
    if (!aggregate) {
      diags_.error(st.loc, "window is only allowed in an aggregate stage");
      return;
    }
    if (st.exprs.empty() || !st.exprs[0]) return;
    const ast::Expr& c = *st.exprs[0];
    static const std::vector<std::string> kinds = {"tumbling", "hopping", "session"};
    if (std::find(kinds.begin(), kinds.end(), c.op) == kinds.end()) {
      diags_.error(c.loc, "unknown window '" + c.op + "'" + did_you_mean(c.op, kinds) +
                              " (windows: tumbling(SIZE), hopping(SIZE, ADVANCE), session(GAP))");
      return;
    }
    const size_t want = c.op == "hopping" ? 2 : 1;
    if (c.args.size() != want) {
      diags_.error(c.loc, c.op + "() takes " + std::to_string(want) + " argument" +
                              (want == 1 ? "" : "s") + " (" +
                              (want == 1 ? "a duration like 1h" : "durations like 1h, 15m") +
                              "), got " + std::to_string(c.args.size()));
      return;
    }
    for (const auto& a : c.args) {
      if (a->kind != ast::ExprKind::Literal || a->unit != ast::LitUnit::Duration) {
        diags_.error(a->loc, c.op + "() needs a duration like 1h or 15m");
        return;
      }
      if (a->literal.as_int() <= 0) {
        diags_.error(a->loc, "the window duration must be positive");
        return;
      }
    }
    if (want == 2) {
      int64_t size = c.args[0]->literal.as_int();
      int64_t advance = c.args[1]->literal.as_int();
      if (advance > size || size % advance != 0) {
        diags_.error(c.args[1]->loc,
                     "hopping(SIZE, ADVANCE): the size must be a multiple of the advance (each "
                     "event belongs to SIZE / ADVANCE windows)");
      }
    }
  }

  // watermark, allowed_lateness and emit = on_close make sense only with a window, and
  // on_close only with a watermark (without one windows never close).
  void window_options(const ast::Stage& s, bool windowed) {
    const ast::Option* wm = ast::find_option(s.options, "watermark");
    const ast::Option* late = ast::find_option(s.options, "allowed_lateness");
    const ast::Option* emit = ast::find_option(s.options, "emit");
    bool on_close = emit != nullptr && emit->value &&
                    ((emit->value->kind == ast::ExprKind::Field && emit->value->path.size() == 1 &&
                      emit->value->path[0] == "on_close") ||
                     (emit->value->kind == ast::ExprKind::Literal &&
                      emit->value->literal.type() == Type::String &&
                      emit->value->literal.as_string() == "on_close"));
    if (!windowed) {
      for (const ast::Option* o : {wm, late}) {
        if (o != nullptr) {
          diags_.error(o->loc, o->name + " needs a window (window tumbling(1h) on FIELD)");
        }
      }
      if (on_close) {
        diags_.error(emit->loc, "emit = on_close needs a window (window tumbling(1h) on FIELD)");
      }
      return;
    }
    if (wm == nullptr && late != nullptr) {
      diags_.error(late->loc, "allowed_lateness needs a watermark (watermark = 5s)");
    }
    if (wm == nullptr && on_close) {
      diags_.error(emit->loc,
                   "emit = on_close needs a watermark (watermark = 5s): without one windows "
                   "never close");
    }
  }

  const SpecRegistry& registry_;
  Diagnostics& diags_;
  ExprChecker exprs_;
  std::vector<DeadLetterRef> dead_letters_;
  OptionChecker options_;
  std::vector<std::string> option_names_;  // of the stage being checked
};

}  // namespace

void check(const ast::File& file, const SpecRegistry& registry, Diagnostics& diags) {
  Checker c(registry, diags);
  c.file(file);
  check_tests(file, diags);
}

}  // namespace sluice::dsl
