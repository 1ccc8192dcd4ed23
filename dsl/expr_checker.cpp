#include "dsl/expr_checker.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "base/enum_names.h"
#include "dsl/eval/functions.h"
#include "dsl/suggest.h"

namespace sluice::dsl {

using eval::SType;

const char* stype_name(SType t) {
  static constexpr const char* kNames[] = {
      "unknown", "null", "bool", "int",      "uint",      "float",  "decimal", "string",
      "bytes",   "date", "time", "datetime", "timestamp", "object", "list",    "number"};
  static_assert(std::size(kNames) == enum_count(SType::Number));
  return enum_name(t, kNames, "unknown");
}

bool is_numeric(SType t) {
  return t == SType::Int || t == SType::UInt || t == SType::Float || t == SType::Decimal ||
         t == SType::Number;
}

bool is_known(SType t) { return t != SType::Unknown && t != SType::Null; }

namespace {

bool is_temporal(SType t) {
  return t == SType::Date || t == SType::Time || t == SType::DateTime || t == SType::Timestamp;
}

// Coarse classes for comparisons: numbers compare with numbers, temporal values with temporal
// values or strings (which may be parsed); anything else only with itself.
int type_class(SType t) {
  if (is_numeric(t)) return 1;
  if (is_temporal(t)) return 2;
  return 10 + static_cast<int>(t);
}

bool comparable(SType a, SType b) {
  if (!is_known(a) || !is_known(b)) return true;
  if (type_class(a) == type_class(b)) return true;
  if ((is_temporal(a) && b == SType::String) || (is_temporal(b) && a == SType::String)) return true;
  return false;
}

// @db and @table are short for @source.db and @source.table.
const std::vector<std::string> kMetaNames = {"op",    "before", "source",   "db",
                                             "table", "ts",     "position", "key"};

std::vector<std::string> function_names(bool generate) {
  std::vector<std::string> names;
  for (const auto& f : eval::functions()) {
    if (!f.generate_only || generate) names.push_back(f.name);
  }
  return names;
}

std::vector<std::string> aggregate_names() {
  std::vector<std::string> names;
  for (const auto& a : eval::aggregate_functions()) {
    if (std::string(a.name) != "tumbling") names.push_back(a.name);
  }
  return names;
}

std::string arity_text(int min, int max) {
  if (max < 0) return "at least " + std::to_string(min) + " argument" + (min == 1 ? "" : "s");
  if (min == max) return std::to_string(min) + " argument" + (min == 1 ? "" : "s");
  return std::to_string(min) + " to " + std::to_string(max) + " arguments";
}

std::string ordinal(size_t i) { return "argument " + std::to_string(i + 1); }

}  // namespace

bool compatible(SType param, SType arg) {
  if (param == SType::Unknown || !is_known(arg)) return true;
  if (param == arg) return true;
  switch (param) {
    case SType::Number:
    case SType::Float:
    case SType::Decimal:
      return is_numeric(arg);
    case SType::Int:
    case SType::UInt:
      return arg == SType::Int || arg == SType::UInt || arg == SType::Number;
    case SType::Date:
    case SType::Time:
    case SType::DateTime:
    case SType::Timestamp:
      return is_temporal(arg) || arg == SType::String;
    default:
      return false;
  }
}

SType literal_type(const ast::Expr& e) {
  if (e.unit != ast::LitUnit::None) return SType::Int;
  return eval::stype_of(e.literal.type());
}

SType ExprChecker::check(const ast::Expr& e, const ExprScope& scope) {
  size_t before = diags_.error_count();
  SType t = walk(e, scope, true);
  // Per-record expressions are compiled by the operators when the pipeline starts: compile
  // them now too, so that whatever the compiler rejects is reported by `sluice check`.
  if (scope.per_record && !scope.aggregate_top && diags_.error_count() == before) {
    eval::Scope es;
    es.join_inputs = scope.join_inputs;
    es.allow_generate = scope.allow_generate;
    es.allow_env = scope.allow_env;
    try {
      auto compiled = eval::compile(e, es);
      if (!compiled) report_compile_error(e.loc, compiled.err().message);
    } catch (const std::exception& ex) {
      report_compile_error(e.loc, ex.what());
    }
  }
  return t;
}

void ExprChecker::report_compile_error(ast::Loc fallback, const std::string& message) {
  // The compiler prefixes its messages with "LINE:COL: ".
  ast::Loc loc = fallback;
  std::string text = message;
  int line = 0;
  int col = 0;
  int used = 0;
  if (std::sscanf(message.c_str(), "%d:%d: %n", &line, &col, &used) == 2 && used > 0 && line > 0 &&
      col > 0) {
    loc = {line, col};
    text = message.substr(static_cast<size_t>(used));
  }
  diags_.error(loc, text);
}

SType ExprChecker::walk(const ast::Expr& e, const ExprScope& scope, bool top) {
  switch (e.kind) {
    case ast::ExprKind::Literal:
      return literal_type(e);
    case ast::ExprKind::Field:
      if (!scope.per_record) {
        std::string name = e.path.empty() ? std::string() : e.path[0];
        diags_.error(e.loc, scope.what + " must be a constant, but '" + name +
                                "' reads a field of the record; write a string in quotes (\"" +
                                name + "\") or use env()/secret()");
      }
      return SType::Unknown;
    case ast::ExprKind::Meta:
      return check_meta(e, scope);
    case ast::ExprKind::Unary: {
      SType t = e.args.empty() ? SType::Unknown : walk(*e.args[0], scope, false);
      if (e.op == "not") {
        if (is_known(t) && t != SType::Bool) {
          diags_.error(e.loc, "'not' needs a bool, got " + std::string(stype_name(t)));
        }
        return SType::Bool;
      }
      if (is_known(t) && !is_numeric(t)) {
        diags_.error(e.loc, "unary '-' needs a number, got " + std::string(stype_name(t)));
        return SType::Unknown;
      }
      return t;
    }
    case ast::ExprKind::Binary:
      return check_binary(e, scope);
    case ast::ExprKind::In: {
      SType lhs = SType::Unknown;
      for (size_t i = 0; i < e.args.size(); ++i) {
        SType t = walk(*e.args[i], scope, false);
        if (i == 0) {
          lhs = t;
        } else if (!comparable(lhs, t)) {
          diags_.error(e.args[i]->loc, std::string("'in' compares a ") + stype_name(lhs) +
                                           " with a " + stype_name(t) + "; this is never true");
        }
      }
      return SType::Bool;
    }
    case ast::ExprKind::IsNull:
      for (const auto& a : e.args) walk(*a, scope, false);
      return SType::Bool;
    case ast::ExprKind::If: {
      SType types[3] = {SType::Unknown, SType::Unknown, SType::Unknown};
      for (size_t i = 0; i < e.args.size() && i < 3; ++i) types[i] = walk(*e.args[i], scope, false);
      if (is_known(types[0]) && types[0] != SType::Bool) {
        diags_.error(e.args[0]->loc,
                     "'if' needs a bool condition, got " + std::string(stype_name(types[0])));
      }
      if (types[1] == types[2]) return types[1];
      if (types[1] == SType::Null) return types[2];
      if (types[2] == SType::Null) return types[1];
      return SType::Unknown;
    }
    case ast::ExprKind::Call:
      return check_call(e, scope, top);
    case ast::ExprKind::ListLit:
      for (const auto& a : e.args) walk(*a, scope, false);
      return SType::List;
    case ast::ExprKind::ObjectLit: {
      std::set<std::string> names;
      for (const auto& entry : e.entries) {
        if (!names.insert(entry.name).second) {
          diags_.error(entry.loc, "field '" + entry.name + "' appears twice in this object");
        }
        if (entry.meta && !scope.meta_keys) {
          diags_.error(entry.loc, "'" + entry.name +
                                      ":' sets a record's metadata, which only the records of a "
                                      "test block may do; write \"" +
                                      entry.name + "\": for a field of that name");
        }
        if (entry.value) walk(*entry.value, scope, false);
      }
      return SType::Object;
    }
  }
  return SType::Unknown;
}

SType ExprChecker::check_meta(const ast::Expr& e, const ExprScope& scope) {
  std::string name = e.path.empty() ? std::string() : e.path[0];
  if (!scope.per_record) {
    diags_.error(e.loc, scope.what + " must be a constant, but @" + name +
                            " is part of each record; only per-record options may use @meta");
    return SType::Unknown;
  }
  bool known = false;
  for (const auto& m : kMetaNames) known = known || m == name;
  if (!known) {
    std::string hint = closest(name, kMetaNames);
    diags_.error(e.loc, "unknown '@" + name + "'" +
                            (hint.empty() ? std::string() : "; did you mean '@" + hint + "'?") +
                            " (known: @op @before @source @db @table @ts @position @key)");
    return SType::Unknown;
  }
  if (name == "before") return e.path.size() == 1 ? SType::Object : SType::Unknown;
  if (name == "source") {
    if (e.path.size() == 1) return SType::Object;
    static const std::vector<std::string> kSourceFields = {"db", "table", "name", "connector"};
    const std::string& f = e.path[1];
    if (e.path.size() > 2 ||
        std::find(kSourceFields.begin(), kSourceFields.end(), f) == kSourceFields.end()) {
      diags_.error(e.loc, "@source has no field '" + f + "'" + did_you_mean(f, kSourceFields) +
                              " (fields: db, table, name, connector)");
      return SType::Unknown;
    }
    return SType::String;
  }
  if (e.path.size() > 1) {
    diags_.error(e.loc, "@" + name +
                            " has no fields; only @before.FIELD and @source.db|table|"
                            "name|connector do");
    return SType::Unknown;
  }
  if (name == "op" || name == "db" || name == "table") return SType::String;
  if (name == "ts") return SType::Timestamp;
  return SType::Unknown;
}

SType ExprChecker::check_binary(const ast::Expr& e, const ExprScope& scope) {
  if (e.args.size() != 2) return SType::Unknown;
  SType a = walk(*e.args[0], scope, false);
  SType b = walk(*e.args[1], scope, false);
  const std::string& op = e.op;
  auto fail = [&](const std::string& why) {
    diags_.error(e.loc, "cannot apply '" + op + "' to " + stype_name(a) + " and " + stype_name(b) +
                            (why.empty() ? std::string() : ": " + why));
  };
  auto bad_arith = [](SType t) {
    return t == SType::Bool || t == SType::List || t == SType::Object || t == SType::Bytes;
  };
  if (op == "and" || op == "or") {
    if ((is_known(a) && a != SType::Bool) || (is_known(b) && b != SType::Bool)) {
      fail("'" + op + "' needs bool operands");
    }
    return SType::Bool;
  }
  if (op == "??") {
    if (a == b) return a;
    if (a == SType::Null) return b;
    return SType::Unknown;
  }
  if (op == "==" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=") {
    if (!comparable(a, b)) fail("the types can never be equal or ordered");
    return SType::Bool;
  }
  if (op == "+") {
    if (bad_arith(a) || bad_arith(b)) {
      fail("'+' adds numbers or joins strings");
      return SType::Unknown;
    }
    if ((a == SType::String && is_known(b) && b != SType::String) ||
        (b == SType::String && is_known(a) && a != SType::String)) {
      fail("'+' joins two strings; convert with to_string() first");
      return SType::String;
    }
    if (a == SType::String || b == SType::String) return SType::String;
  } else if (op == "-") {
    if (bad_arith(a) || bad_arith(b) || a == SType::String || b == SType::String) {
      fail("'-' needs numbers");
      return SType::Unknown;
    }
  } else {  // * / %
    if ((is_known(a) && !is_numeric(a)) || (is_known(b) && !is_numeric(b))) {
      fail("'" + op + "' needs numbers");
      return SType::Unknown;
    }
  }
  if (is_numeric(a) && is_numeric(b)) {
    if (a == SType::Float || b == SType::Float) return SType::Float;
    if (a == SType::Decimal || b == SType::Decimal) return SType::Decimal;
    if (a == SType::Int && b == SType::Int) return op == "/" ? SType::Unknown : SType::Int;
    return SType::Number;
  }
  return SType::Unknown;
}

SType ExprChecker::check_call(const ast::Expr& e, const ExprScope& scope, bool top) {
  const std::string& name = e.op;
  auto args_types = [&] {
    std::vector<SType> types;
    for (const auto& a : e.args) types.push_back(walk(*a, scope, false));
    return types;
  };
  // Option constructors: exponential(MIN, MAX), fixed(D), gtid("...").
  if (name == "exponential" || name == "fixed" || name == "gtid") {
    if (!scope.constructors) {
      diags_.error(e.loc, name + "() can only be used as an option value");
      args_types();
      return SType::Unknown;
    }
    size_t want = name == "exponential" ? 2 : 1;
    if (e.args.size() != want) {
      diags_.error(e.loc, name + "() takes " + arity_text(int(want), int(want)) + ", got " +
                              std::to_string(e.args.size()));
    }
    args_types();
    return SType::Unknown;
  }
  if (const auto* agg = eval::find_aggregate(name); agg != nullptr && !eval::find_function(name)) {
    if (name == "tumbling") {
      diags_.error(e.loc, "tumbling() is only used in `window tumbling(D) on FIELD`");
      args_types();
      return SType::Unknown;
    }
    if ((!scope.aggregate_top || !top) && !scope.aggregate_anywhere) {
      diags_.error(e.loc, "aggregate function " + name +
                              "() can only be the whole value of an "
                              "aggregate field, as in `total = " +
                              name +
                              "(x)` inside an "
                              "aggregate stage");
    }
    int n = static_cast<int>(e.args.size());
    if (n < agg->min_args || n > agg->max_args) {
      diags_.error(e.loc, name + "() takes " + arity_text(agg->min_args, agg->max_args) + ", got " +
                              std::to_string(n));
    }
    ExprScope inner = scope;
    inner.aggregate_top = false;
    for (const auto& a : e.args) walk(*a, inner, false);
    return SType::Unknown;
  }
  const auto* fn = eval::find_function(name);
  if (fn == nullptr) {
    std::vector<std::string> names = function_names(scope.allow_generate);
    std::string hint = closest(name, names);
    if (hint.empty() && scope.aggregate_top) hint = closest(name, aggregate_names());
    diags_.error(e.loc, "unknown function '" + name + "'" +
                            (hint.empty() ? std::string() : "; did you mean '" + hint + "'?"));
    args_types();
    return SType::Unknown;
  }
  if (fn->generate_only && !scope.allow_generate) {
    diags_.error(e.loc, name + "() can only be used in the fields of a generate source");
  }
  if (fn->option_only && !scope.allow_env) {
    diags_.error(e.loc, name + "() can only be used in options, not in per-record expressions");
  }
  int n = static_cast<int>(e.args.size());
  if (n < fn->min_args || (fn->max_args >= 0 && n > fn->max_args)) {
    diags_.error(e.loc, name + "() takes " + arity_text(fn->min_args, fn->max_args) + ", got " +
                            std::to_string(n));
  }
  std::vector<SType> types = args_types();
  for (size_t i = 0; i < types.size(); ++i) {
    if (fn->params.empty()) break;
    SType want = i < fn->params.size() ? fn->params[i] : fn->params.back();
    if (i >= fn->params.size() && fn->max_args >= 0) break;
    if (!compatible(want, types[i])) {
      diags_.error(e.args[i]->loc, name + "() expects " +
                                       (want == SType::Int ? std::string("an int")
                                                           : std::string("a ") + stype_name(want)) +
                                       " as " + ordinal(i) + ", got " + stype_name(types[i]));
    }
  }
  // env()/secret() values are strings that options convert to the option's type.
  if (fn->option_only) return SType::Unknown;
  return fn->result;
}

}  // namespace sluice::dsl
