// ast::Expr -> tree of evaluator nodes. Names are interned and functions bound here, so
// evaluation does no string work; constant sub-expressions are folded.
#include <algorithm>

#include "dsl/eval/builtins.h"
#include "dsl/eval/eval_util.h"
#include "dsl/eval/functions.h"
#include "dsl/eval/nodes_access.h"
#include "dsl/eval/nodes_call.h"
#include "dsl/eval/nodes_ops.h"

namespace sluice::eval {
namespace {

struct compile_error {
  ast::Loc loc;
  std::string message;
};

[[noreturn]] void fail_at(const ast::Loc& loc, std::string message) {
  throw compile_error{loc, std::move(message)};
}

bool exact(SType t) { return t == SType::Int || t == SType::UInt || t == SType::Decimal; }

SType arith_stype(BinOp op, SType a, SType b) {
  if (op == BinOp::Add && (a == SType::String || b == SType::String)) return SType::String;
  if (a == SType::Float || b == SType::Float) {
    bool num_a = a == SType::Float || exact(a), num_b = b == SType::Float || exact(b);
    return num_a && num_b ? SType::Float : SType::Unknown;
  }
  if (!exact(a) || !exact(b)) return SType::Unknown;
  if (op == BinOp::Div) return SType::Decimal;
  if (a == SType::Decimal || b == SType::Decimal) return SType::Decimal;
  if (a == SType::UInt && b == SType::UInt) return SType::UInt;
  return SType::Int;
}

bool is_literal(const ExprPtr& e) { return dynamic_cast<const LiteralNode*>(e.get()) != nullptr; }

class Compiler {
 public:
  explicit Compiler(const Scope& scope) : scope_(scope) {}

  ExprPtr compile(const ast::Expr& e) {
    ExprPtr node = build(e);
    return node;
  }

 private:
  // Folds a pure node whose children are all literals into a literal.
  // Callers check that every child is a literal and the node is pure.
  ExprPtr fold(ExprPtr node, const ast::Loc& loc) {
    Context ctx;
    try {
      SType st = node->stype;
      auto lit = std::make_unique<LiteralNode>(node->eval(ctx));
      lit->stype = lit->value().is_null() ? st : stype_of(lit->value().type());
      return lit;
    } catch (const eval_error& err) {
      fail_at(loc, err.what());
    }
  }

  ExprPtr build(const ast::Expr& e) {
    switch (e.kind) {
      case ast::ExprKind::Literal: {
        auto n = std::make_unique<LiteralNode>(e.literal);
        n->stype = stype_of(e.literal.type());
        return n;
      }
      case ast::ExprKind::Field:
        return field(e);
      case ast::ExprKind::Meta:
        return meta(e);
      case ast::ExprKind::Unary:
        return unary(e);
      case ast::ExprKind::Binary:
        return binary(e);
      case ast::ExprKind::In: {
        if (e.args.empty()) fail_at(e.loc, "'in' needs a left-hand side");
        ExprPtr lhs = build(*e.args[0]);
        std::vector<ExprPtr> items;
        for (size_t i = 1; i < e.args.size(); ++i) items.push_back(build(*e.args[i]));
        ExprPtr n = std::make_unique<InNode>(std::move(lhs), std::move(items));
        n->stype = SType::Bool;
        bool all = true;
        for (const auto& a : e.args) all = all && a->kind == ast::ExprKind::Literal;
        if (all) return fold(std::move(n), e.loc);
        return n;
      }
      case ast::ExprKind::IsNull: {
        if (e.args.size() != 1) fail_at(e.loc, "'is null' needs one operand");
        auto n = std::make_unique<IsNullNode>(build(*e.args[0]), e.negated);
        n->stype = SType::Bool;
        return n;
      }
      case ast::ExprKind::If: {
        if (e.args.size() != 3) fail_at(e.loc, "'if' needs a condition, a then and an else");
        ExprPtr c = build(*e.args[0]);
        ExprPtr a = build(*e.args[1]);
        ExprPtr b = build(*e.args[2]);
        SType st = a->stype == b->stype      ? a->stype
                   : a->stype == SType::Null ? b->stype
                   : b->stype == SType::Null ? a->stype
                                             : SType::Unknown;
        if (auto* lit = dynamic_cast<LiteralNode*>(c.get())) {
          const Value& v = lit->value();
          if (!v.is_null() && v.type() != Type::Bool)
            fail_at(e.loc, std::string("'if' needs a bool condition, got ") + type_name(v.type()));
          return (!v.is_null() && v.as_bool()) ? std::move(a) : std::move(b);
        }
        ExprPtr n = std::make_unique<IfNode>(std::move(c), std::move(a), std::move(b));
        n->stype = st;
        return n;
      }
      case ast::ExprKind::Call:
        return call(e);
      case ast::ExprKind::ListLit: {
        std::vector<ExprPtr> items;
        bool all = true;
        for (const auto& a : e.args) {
          items.push_back(build(*a));
          all = all && is_literal(items.back());
        }
        ExprPtr n = std::make_unique<ListNode>(std::move(items));
        n->stype = SType::List;
        if (all) return fold(std::move(n), e.loc);
        return n;
      }
      case ast::ExprKind::ObjectLit: {
        std::vector<Sym> names;
        std::vector<ExprPtr> values;
        bool all = true;
        for (const auto& entry : e.entries) {
          Sym s = intern(entry.name);
          if (std::find(names.begin(), names.end(), s) != names.end())
            fail_at(entry.loc, "duplicate field '" + entry.name + "' in object");
          names.push_back(s);
          if (!entry.value) fail_at(entry.loc, "field '" + entry.name + "' has no value");
          values.push_back(build(*entry.value));
          all = all && is_literal(values.back());
        }
        ExprPtr n = std::make_unique<ObjectNode>(std::move(names), std::move(values));
        n->stype = SType::Object;
        if (all) return fold(std::move(n), e.loc);
        return n;
      }
    }
    fail_at(e.loc, "unsupported expression");
  }

  ExprPtr field(const ast::Expr& e) {
    if (e.path.empty()) fail_at(e.loc, "empty field name");
    auto it = std::find(scope_.join_inputs.begin(), scope_.join_inputs.end(), e.path[0]);
    if (it != scope_.join_inputs.end()) {
      std::vector<Sym> rest;
      for (size_t i = 1; i < e.path.size(); ++i) rest.push_back(intern(e.path[i]));
      return std::make_unique<JoinFieldNode>(static_cast<size_t>(it - scope_.join_inputs.begin()),
                                             std::move(rest));
    }
    std::vector<Sym> path;
    for (const auto& s : e.path) path.push_back(intern(s));
    return std::make_unique<FieldNode>(std::move(path));
  }

  ExprPtr meta(const ast::Expr& e) {
    if (e.path.empty()) fail_at(e.loc, "empty @name");
    const std::string& name = e.path[0];
    using K = MetaNode::Kind;
    auto simple = [&](K k, SType st) -> ExprPtr {
      if (e.path.size() > 1) fail_at(e.loc, "@" + name + " has no fields");
      auto n = std::make_unique<MetaNode>(k, std::vector<Sym>{});
      n->stype = st;
      return n;
    };
    if (name == "op") return simple(K::Op, SType::String);
    if (name == "db") return simple(K::SourceDb, SType::String);
    if (name == "table") return simple(K::SourceTable, SType::String);
    if (name == "ts") return simple(K::Ts, SType::Timestamp);
    if (name == "position") return simple(K::Position, SType::Unknown);
    if (name == "key") return simple(K::Key, SType::Unknown);
    if (name == "before") {
      std::vector<Sym> path;
      for (size_t i = 1; i < e.path.size(); ++i) path.push_back(intern(e.path[i]));
      auto n = std::make_unique<MetaNode>(K::Before, std::move(path));
      n->stype = e.path.size() == 1 ? SType::Object : SType::Unknown;
      return n;
    }
    if (name == "source") {
      if (e.path.size() == 1) {
        auto n = std::make_unique<MetaNode>(K::Source, std::vector<Sym>{});
        n->stype = SType::Object;
        return n;
      }
      if (e.path.size() > 2)
        fail_at(e.loc, "@source has only the fields db, table, name, connector");
      const std::string& f = e.path[1];
      K k;
      if (f == "db")
        k = K::SourceDb;
      else if (f == "table")
        k = K::SourceTable;
      else if (f == "name")
        k = K::SourceName;
      else if (f == "connector")
        k = K::SourceConnector;
      else
        fail_at(e.loc, "@source has no field '" + f + "' (db, table, name, connector)");
      auto n = std::make_unique<MetaNode>(k, std::vector<Sym>{});
      n->stype = SType::String;
      return n;
    }
    fail_at(e.loc, "unknown @" + name +
                       " (expected @op, @before, @source, @db, @table, @ts, @position or @key)");
  }

  ExprPtr unary(const ast::Expr& e) {
    if (e.args.size() != 1) fail_at(e.loc, "'" + e.op + "' needs one operand");
    ExprPtr a = build(*e.args[0]);
    bool lit = is_literal(a);
    SType st = a->stype;
    ExprPtr n;
    if (e.op == "not") {
      n = std::make_unique<NotNode>(std::move(a));
      n->stype = SType::Bool;
    } else if (e.op == "-") {
      n = std::make_unique<NegNode>(std::move(a));
      n->stype = st == SType::UInt ? SType::Int : st;
    } else {
      fail_at(e.loc, "unknown operator '" + e.op + "'");
    }
    if (lit) return fold(std::move(n), e.loc);
    return n;
  }

  ExprPtr binary(const ast::Expr& e) {
    if (e.args.size() != 2) fail_at(e.loc, "'" + e.op + "' needs two operands");
    ExprPtr l = build(*e.args[0]);
    ExprPtr r = build(*e.args[1]);
    bool lit = is_literal(l) && is_literal(r);
    const std::string& op = e.op;
    SType sl = l->stype, sr = r->stype;
    ExprPtr n;
    static const struct {
      const char* text;
      BinOp op;
    } kOps[] = {{"+", BinOp::Add}, {"-", BinOp::Sub}, {"*", BinOp::Mul}, {"/", BinOp::Div},
                {"%", BinOp::Rem}, {"==", BinOp::Eq}, {"!=", BinOp::Ne}, {"<", BinOp::Lt},
                {"<=", BinOp::Le}, {">", BinOp::Gt},  {">=", BinOp::Ge}};
    if (op == "and" || op == "or") {
      n = std::make_unique<LogicNode>(op == "and", std::move(l), std::move(r));
      n->stype = SType::Bool;
    } else if (op == "??") {
      SType st = sl == SType::Null ? sr : (sl == sr ? sl : SType::Unknown);
      // A literal non-null left side wins at once.
      if (auto* ll = dynamic_cast<LiteralNode*>(l.get()); ll && !ll->value().is_null()) return l;
      if (auto* ll = dynamic_cast<LiteralNode*>(l.get()); ll && ll->value().is_null()) return r;
      n = std::make_unique<CoalesceOpNode>(std::move(l), std::move(r));
      n->stype = st;
      return n;
    } else {
      const BinOp* found = nullptr;
      for (const auto& o : kOps) {
        if (op == o.text) found = &o.op;
      }
      if (found == nullptr) fail_at(e.loc, "unknown operator '" + op + "'");
      if (*found <= BinOp::Rem) {
        n = std::make_unique<ArithNode>(*found, std::move(l), std::move(r));
        n->stype = arith_stype(*found, sl, sr);
      } else {
        n = std::make_unique<CompareNode>(*found, std::move(l), std::move(r));
        n->stype = SType::Bool;
      }
    }
    if (lit) return fold(std::move(n), e.loc);
    return n;
  }

  ExprPtr call(const ast::Expr& e) {
    const FunctionSpec* spec = find_function(e.op);
    if (spec == nullptr) {
      if (find_aggregate(e.op) != nullptr)
        fail_at(e.loc, "aggregate function " + e.op + "() is only allowed in an aggregate stage");
      fail_at(e.loc, "unknown function " + e.op + "()");
    }
    int n = static_cast<int>(e.args.size());
    if (n < spec->min_args || (spec->max_args >= 0 && n > spec->max_args)) {
      std::string want = spec->min_args == spec->max_args ? std::to_string(spec->min_args)
                         : spec->max_args < 0 ? "at least " + std::to_string(spec->min_args)
                                              : std::to_string(spec->min_args) + " to " +
                                                    std::to_string(spec->max_args);
      fail_at(e.loc, e.op + "() takes " + want + " argument" + (want == "1" ? "" : "s") + ", got " +
                         std::to_string(n));
    }
    if (spec->generate_only && !scope_.allow_generate)
      fail_at(e.loc, e.op + "() is only available in a generate source's fields");
    if (spec->option_only && !scope_.allow_env)
      fail_at(e.loc, e.op + "() is only allowed in options");
    std::vector<ExprPtr> args;
    bool all = true;
    for (const auto& a : e.args) {
      args.push_back(build(*a));
      all = all && is_literal(args.back());
    }
    SType st = spec->result;
    if (st == SType::Unknown && !args.empty()) {
      std::string name = e.op;
      if (name == "abs" || name == "round") st = args[0]->stype;
      if (name == "date_trunc" && args.size() == 2) st = args[1]->stype;
      if (name == "coalesce") {
        st = SType::Unknown;
        for (const auto& a : args) {
          if (a->stype == SType::Null) continue;
          if (st == SType::Unknown)
            st = a->stype;
          else if (st != a->stype) {
            st = SType::Unknown;
            break;
          }
        }
      }
    }
    // regex_match with a literal pattern: compile it once, now.
    if (e.op == "regex_match" && args.size() == 2 && is_literal(args[1])) {
      const Value& p = static_cast<LiteralNode*>(args[1].get())->value();
      if (p.type() == Type::String) {
        std::regex re;
        try {
          re = std::regex(p.as_string(), std::regex::ECMAScript);
        } catch (const std::regex_error& err) {
          fail_at(e.args[1]->loc, "regex_match(): invalid pattern: " + std::string(err.what()));
        }
        ExprPtr node = std::make_unique<RegexMatchNode>(std::move(args[0]), std::move(re));
        node->stype = SType::Bool;
        return node;
      }
    }
    // Folded at compile time unless it reads the clock, the environment or a file.
    bool pure = !spec->generate_only && !spec->option_only && spec->name != std::string("now");
    ExprPtr node = std::make_unique<CallNode>(spec, std::move(args));
    node->stype = st;
    if (pure && all) return fold(std::move(node), e.loc);
    return node;
  }

  const Scope& scope_;
};

std::string where(const ast::Loc& loc) {
  return std::to_string(loc.line) + ":" + std::to_string(loc.col) + ": ";
}

// The first field or @meta reference in e, if any.
const ast::Expr* first_reference(const ast::Expr& e) {
  if (e.kind == ast::ExprKind::Field || e.kind == ast::ExprKind::Meta) return &e;
  for (const auto& a : e.args) {
    if (const ast::Expr* r = first_reference(*a)) return r;
  }
  for (const auto& entry : e.entries) {
    if (entry.value) {
      if (const ast::Expr* r = first_reference(*entry.value)) return r;
    }
  }
  return nullptr;
}

}  // namespace

SType stype_of(Type t) {
  switch (t) {
    case Type::Null:
      return SType::Null;
    case Type::Bool:
      return SType::Bool;
    case Type::Int:
      return SType::Int;
    case Type::UInt:
      return SType::UInt;
    case Type::Float:
      return SType::Float;
    case Type::Decimal:
      return SType::Decimal;
    case Type::String:
      return SType::String;
    case Type::Bytes:
      return SType::Bytes;
    case Type::Date:
      return SType::Date;
    case Type::Time:
      return SType::Time;
    case Type::DateTime:
      return SType::DateTime;
    case Type::Timestamp:
      return SType::Timestamp;
    case Type::Object:
      return SType::Object;
    case Type::List:
      return SType::List;
  }
  return SType::Unknown;
}

bool per_source_table(const ast::Expr& e) {
  switch (e.kind) {
    case ast::ExprKind::Field:
      return false;
    case ast::ExprKind::Meta:
      return !e.path.empty() &&
             (e.path[0] == "table" || e.path[0] == "db" || e.path[0] == "source");
    case ast::ExprKind::Call: {
      const FunctionSpec* f = find_function(e.op);
      if (f == nullptr || f->generate_only || e.op == "now") return false;
      break;
    }
    default:
      break;
  }
  for (const auto& a : e.args) {
    if (!per_source_table(*a)) return false;
  }
  for (const auto& entry : e.entries) {
    if (entry.value && !per_source_table(*entry.value)) return false;
  }
  return true;
}

namespace {
void add_operands(const ast::Expr& e, std::vector<const ast::Expr*>& out) {
  if (e.kind == ast::ExprKind::Binary && e.op == "+" && e.args.size() == 2) {
    add_operands(*e.args[0], out);
    add_operands(*e.args[1], out);
    return;
  }
  out.push_back(&e);
}
}  // namespace

std::vector<const ast::Expr*> concat_operands(const ast::Expr& e) {
  std::vector<const ast::Expr*> out;
  add_operands(e, out);
  return out;
}

result<ExprPtr> compile(const ast::Expr& e, const Scope& scope) {
  try {
    return Compiler(scope).compile(e);
  } catch (const compile_error& err) {
    return error::permanent(where(err.loc) + secrets::redact(err.message));
  }
}

result<Value> eval_constant(const ast::Expr& e) {
  if (const ast::Expr* r = first_reference(e)) {
    std::string name;
    for (const auto& p : r->path) name += (name.empty() ? "" : ".") + p;
    if (r->kind == ast::ExprKind::Meta) name = "@" + name;
    return error::permanent(where(r->loc) + "'" + name +
                            "' is a per-record value; this option needs a constant");
  }
  Scope scope;
  scope.allow_env = true;
  auto compiled = compile(e, scope);
  if (!compiled) return compiled.err();
  try {
    Context ctx;
    return (*compiled)->eval(ctx);
  } catch (const eval_error& err) {
    return error::permanent(where(e.loc) + secrets::redact(err.what()));
  }
}

}  // namespace sluice::eval
