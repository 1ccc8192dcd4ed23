#include "dsl/option_checker.h"

#include <algorithm>

#include "dsl/eval/functions.h"
#include "dsl/suggest.h"

namespace sluice::dsl {

namespace {

using eval::SType;

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

}  // namespace

std::vector<const OptionSpec*> OptionChecker::to_ptrs(const std::vector<OptionSpec>& v) {
  std::vector<const OptionSpec*> out;
  for (const auto& o : v) out.push_back(&o);
  return out;
}

void OptionChecker::check(const std::vector<ast::Option>& given,
                          const std::vector<const OptionSpec*>& specs, const std::string& owner,
                          ast::Loc owner_loc, const std::vector<std::string>* free_blocks,
                          const ast::Stage* stage) {
  std::map<std::string, ast::Loc> seen;
  std::vector<std::string> names;
  for (const auto* s : specs) names.push_back(s->name);
  if (free_blocks != nullptr) {
    for (const auto& b : *free_blocks) {  // a free block may be declared an option too
      if (std::find(names.begin(), names.end(), b) == names.end()) names.push_back(b);
    }
  }
  for (const auto& o : given) {
    auto [it, fresh] = seen.emplace(o.name, o.loc);
    if (!fresh) {
      diags_.error(o.loc, "option '" + o.name + "' is given twice (first at line " +
                              std::to_string(it->second.line) + ")");
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
    if (spec == nullptr) {
      unknown(o, owner, names, stage);
      continue;
    }
    option(o, *spec, stage);
  }
  missing(specs, seen, owner, owner_loc);
  needed_by_value(given, specs, seen, owner);
  if (stage != nullptr) dead_letter_needed(given, seen);
}

void OptionChecker::needed_by_value(const std::vector<ast::Option>& given,
                                    const std::vector<const OptionSpec*>& specs,
                                    const std::map<std::string, ast::Loc>& seen,
                                    const std::string& owner) {
  for (const auto* s : specs) {
    const auto& [name, word] = s->required_when;
    if (name.empty() || seen.count(s->name)) continue;
    for (const auto& o : given) {
      if (o.name != name || !o.value) continue;
      const ast::Expr& v = *o.value;
      const bool is_word =
          (v.kind == ast::ExprKind::Field && v.path.size() == 1 && v.path[0] == word) ||
          (v.kind == ast::ExprKind::Literal && v.literal.type() == Type::String &&
           v.literal.as_string() == word);
      if (!is_word) continue;
      diags_.error(o.loc, name + " = " + word + " needs the option '" + s->name + "' (" +
                              opt_type_name(s->type) + "): add `" + s->name +
                              (s->type == OptType::Block ? " { ... }`" : " = ...`") + " to " +
                              owner);
    }
  }
}

void OptionChecker::unknown(const ast::Option& o, const std::string& owner,
                            const std::vector<std::string>& names, const ast::Stage* stage) {
  if (o.name == "select" && o.is_block && stage != nullptr &&
      stage->type == ast::StageType::Processor) {
    diags_.error(o.loc,
                 "select takes an object with `name: expr` entries separated by "
                 "commas: select { id: id, total: amount * 2 }");
    return;
  }
  std::string msg = "unknown option '" + o.name + "' for " + owner + did_you_mean(o.name, names);
  msg += names.empty() ? " (it takes no options)" : " (options: " + join_names(names) + ")";
  if (o.name == "parallelism" && stage != nullptr && stage->type == ast::StageType::Source) {
    msg +=
        "; a source runs several instances only where they can share its input (source "
        "kafka: consumers of one group); give `parallelism` to the stages after it";
  }
  diags_.error(o.loc, msg);
}

void OptionChecker::missing(const std::vector<const OptionSpec*>& specs,
                            const std::map<std::string, ast::Loc>& seen, const std::string& owner,
                            ast::Loc owner_loc) {
  for (const auto* s : specs) {
    if (s->required && seen.find(s->name) == seen.end()) {
      diags_.error(owner_loc, owner + " is missing the required option '" + s->name + "' (" +
                                  opt_type_name(s->type) + "); add `" + s->name +
                                  (s->type == OptType::Block ? " { ... }`" : " = ...`"));
    }
  }
}

void OptionChecker::dead_letter_needed(const std::vector<ast::Option>& given,
                                       const std::map<std::string, ast::Loc>& seen) {
  // on_error = dead_letter needs a dead_letter.
  auto on_error = std::find_if(given.begin(), given.end(),
                               [](const ast::Option& o) { return o.name == "on_error"; });
  if (on_error != given.end() && on_error->value && on_error->value->kind == ast::ExprKind::Field &&
      on_error->value->path.size() == 1 && on_error->value->path[0] == "dead_letter" &&
      seen.find("dead_letter") == seen.end()) {
    diags_.error(on_error->value->loc,
                 "on_error = dead_letter needs a dead-letter sink: add "
                 "dead_letter = SINKNAME");
  }
}

void OptionChecker::free_block(const ast::Option& o) {
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
      diags_.error(c.loc,
                   "'" + c.name + "' in " + o.name + " takes an expression: " + c.name + " = EXPR");
      continue;
    }
    ExprScope sc;
    sc.allow_generate = true;
    sc.what = "'" + c.name + "'";
    exprs_.check(*c.value, sc);
  }
}

void OptionChecker::option(const ast::Option& o, const OptionSpec& spec, const ast::Stage* stage) {
  if (spec.type == OptType::ListMap && o.is_block) {
    list_map(o, spec, stage);
    return;
  }
  if (o.is_block && spec.type != OptType::Block && !spec.children.empty()) {
    // `snapshot { mode = initial ... }`: the value as the block's first child, with others
    check(o.block, to_ptrs(spec.children), "'" + o.name + "'", o.loc, nullptr, nullptr);
    return;
  }
  if (spec.type == OptType::Block) {
    if (!o.is_block) {
      diags_.error(o.loc, "option '" + o.name + "' is a block: write " + o.name + " { ... }");
      return;
    }
    check(o.block, to_ptrs(spec.children), "'" + o.name + "'", o.loc, nullptr, nullptr);
    return;
  }
  if (o.is_block || !o.value) {
    diags_.error(o.loc, "option '" + o.name + "' takes a value: write " + o.name + " = ...");
    return;
  }
  value(o, *o.value, spec, stage);
}

void OptionChecker::list_map(const ast::Option& o, const OptionSpec& spec,
                             const ast::Stage* stage) {
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

void OptionChecker::type_error(const ast::Option& o, const ast::Expr& e, const std::string& want,
                               SType got) {
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

bool OptionChecker::is_env_call(const ast::Expr& e) {
  if (e.kind != ast::ExprKind::Call) return false;
  const auto* f = eval::find_function(e.op);
  return f != nullptr && f->option_only;
}

void OptionChecker::range(const ast::Option& o, const ast::Expr& e, const OptionSpec& spec,
                          int64_t v) {
  if (v < spec.min || v > spec.max) {
    std::string bound;
    if (spec.min != INT64_MIN && spec.max != INT64_MAX) {
      bound = "between " + format_amount(spec, spec.min) + " and " + format_amount(spec, spec.max);
    } else if (spec.min != INT64_MIN) {
      bound = "at least " + format_amount(spec, spec.min);
    } else {
      bound = "at most " + format_amount(spec, spec.max);
    }
    diags_.error(e.loc,
                 "option '" + o.name + "' must be " + bound + ", got " + format_amount(spec, v));
  }
}

ExprScope OptionChecker::constant_scope(const ast::Option& o) {
  ExprScope constant;
  constant.per_record = false;
  constant.allow_env = true;
  constant.constructors = true;
  constant.what = "option '" + o.name + "'";
  return constant;
}

void OptionChecker::value(const ast::Option& o, const ast::Expr& e, const OptionSpec& spec,
                          const ast::Stage* stage) {
  switch (spec.type) {
    case OptType::Expr: {
      ExprScope sc;
      sc.allow_env = true;
      sc.what = "option '" + o.name + "'";
      exprs_.check(e, sc);
      return;
    }
    case OptType::Enum:
      enum_value(o, e, spec);
      return;
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
    dead_letter(e, stage);
    return;
  }
  constant_value(o, e, spec);
}

void OptionChecker::enum_value(const ast::Option& o, const ast::Expr& e, const OptionSpec& spec) {
  std::string v;
  if (e.kind == ast::ExprKind::Field && e.path.size() == 1) {
    v = e.path[0];
  } else if (e.kind == ast::ExprKind::Literal && e.literal.type() == Type::String) {
    v = e.literal.as_string();
  } else if (e.kind == ast::ExprKind::Literal && e.unit == ast::LitUnit::None &&
             (e.literal.type() == Type::Null || e.literal.type() == Type::Bool)) {
    v = e.literal.to_display();
  } else if (is_env_call(e)) {
    exprs_.check(e, constant_scope(o));
    return;
  } else {
    diags_.error(e.loc,
                 "option '" + o.name + "' expects one of: " + join_names(spec.enum_values, " | "));
    return;
  }
  if (std::find(spec.enum_values.begin(), spec.enum_values.end(), v) == spec.enum_values.end()) {
    diags_.error(e.loc, "invalid value '" + v + "' for option '" + o.name + "'" +
                            did_you_mean(v, spec.enum_values) +
                            " (allowed: " + join_names(spec.enum_values, ", ") + ")");
  }
}

void OptionChecker::dead_letter(const ast::Expr& e, const ast::Stage* stage) {
  if (e.kind == ast::ExprKind::Field && e.path.size() == 1) {
    dead_letters_.push_back({stage, e.path[0], e.loc});
  } else if (e.kind == ast::ExprKind::Literal && e.literal.type() == Type::String) {
    dead_letters_.push_back({stage, e.literal.as_string(), e.loc});
  } else {
    diags_.error(e.loc, "dead_letter names a sink stage of this pipeline: dead_letter = NAME");
  }
}

void OptionChecker::constant_value(const ast::Option& o, const ast::Expr& e,
                                   const OptionSpec& spec) {
  const ExprScope constant = constant_scope(o);
  Checked c;
  c.type = exprs_.check(e, constant);
  c.env = is_env_call(e) || c.type == SType::Unknown;
  c.lit = e.kind == ast::ExprKind::Literal;
  switch (spec.type) {
    case OptType::String:
    case OptType::Secret:
      if (!c.env && c.type != SType::String) type_error(o, e, "a string", c.type);
      if (spec.type == OptType::Secret && c.lit && c.type == SType::String) {
        diags_.warning(e.loc, "option '" + o.name +
                                  "' is a secret written in the file; use "
                                  "secret(\"NAME\") or env(\"NAME\")");
      }
      return;
    case OptType::Int:
      if (c.lit && e.unit != ast::LitUnit::None) {
        type_error(o, e, "an integer", c.type);
      } else if (!c.env && c.type != SType::Int && c.type != SType::UInt) {
        type_error(o, e, "an integer", c.type);
      } else if (c.lit && c.type == SType::Int) {
        range(o, e, spec, e.literal.as_int());
      }
      return;
    case OptType::Bool:
      if (!c.env && c.type != SType::Bool) type_error(o, e, "true or false", c.type);
      return;
    case OptType::Duration:
    case OptType::Size:
    case OptType::Rate:
      amount_value(o, e, spec, c);
      return;
    case OptType::StringList:
    case OptType::ListMap:
      list_value(o, e, c, constant);
      return;
    default:
      return;  // Any: any constant
  }
}

void OptionChecker::amount_value(const ast::Option& o, const ast::Expr& e, const OptionSpec& spec,
                                 const Checked& c) {
  ast::LitUnit want = spec.type == OptType::Duration ? ast::LitUnit::Duration
                      : spec.type == OptType::Size   ? ast::LitUnit::Size
                                                     : ast::LitUnit::Rate;
  const char* example = spec.type == OptType::Duration ? "a duration like 100ms or 5s"
                        : spec.type == OptType::Size   ? "a size like 64KB or 16MB"
                                                       : "a rate like 5000/s or 300/m";
  if (c.lit && e.unit == want) {
    int64_t v = e.literal.as_int();
    if (want == ast::LitUnit::Rate && e.rate_period_us > 0) {
      v = static_cast<int64_t>(static_cast<__int128>(v) * 1000000 / e.rate_period_us);
      if (v == 0 && e.literal.as_int() > 0) v = 1;
    }
    range(o, e, spec, v);
  } else if (!c.env || c.lit) {
    type_error(o, e, example, c.type);
  }
}

void OptionChecker::list_value(const ast::Option& o, const ast::Expr& e, const Checked& c,
                               const ExprScope& constant) {
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
  } else if (!c.env || c.lit) {
    type_error(o, e, "a list of strings like [\"a\", \"b\"]", c.type);
  }
}

SType OptionChecker::literal_or(const ast::Expr& e) {
  return e.kind == ast::ExprKind::Literal ? literal_type(e) : SType::Unknown;
}

void OptionChecker::backoff(const ast::Option& o, const ast::Expr& e) {
  const char* usage = "exponential(MIN, MAX) or fixed(D), e.g. exponential(100ms, 10s)";
  if (e.kind != ast::ExprKind::Call || (e.op != "exponential" && e.op != "fixed")) {
    std::string hint = e.kind == ast::ExprKind::Call ? did_you_mean(e.op, {"exponential", "fixed"})
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

}  // namespace sluice::dsl
