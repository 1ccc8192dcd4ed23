#include "operators/join/join_statement.h"

namespace sluice::operators::join {
namespace {

std::string loc_text(const ast::Loc& l) {
  return std::to_string(l.line) + ":" + std::to_string(l.col) + ": ";
}

result<transform::SelectNode> compile_entry(const ast::ObjectEntry& en, const eval::Scope& sc) {
  transform::SelectNode n;
  n.name = intern(en.name);
  if (!en.value) return error::permanent(loc_text(en.loc) + "select: " + en.name + " has no value");
  if (en.value->kind == ast::ExprKind::ObjectLit) {
    for (const auto& c : en.value->entries) {
      auto r = compile_entry(c, sc);
      if (!r.ok()) return r.err();
      n.children.push_back(std::move(r.value()));
    }
    return n;
  }
  auto c = eval::compile(*en.value, sc);
  if (!c.ok()) return c.err();
  n.expr = std::move(c.value());
  return n;
}

void build_select(const std::vector<transform::SelectNode>& nodes, const eval::Context& ctx,
                  Object& out) {
  out.reserve(nodes.size());
  for (const auto& n : nodes) {
    if (n.expr) {
      out.append(n.name, n.expr->eval(ctx));
    } else {
      Object child;
      build_select(n.children, ctx, child);
      out.append(n.name, Value::object(std::move(child)));
    }
  }
}

bool is_true(const Value& v, const char* what) {
  if (v.is_null()) return false;
  if (v.type() != Type::Bool) {
    throw eval::eval_error(std::string(what) + ": expected a bool, got " + type_name(v.type()));
  }
  return v.as_bool();
}

}  // namespace

result<JoinStatement> JoinStatement::compile(const ast::Statement& s, const eval::Scope& scope) {
  JoinStatement j;
  j.kind_ = s.kind;
  j.message_ = s.message;
  switch (s.kind) {
    case ast::StmtKind::Drop:
    case ast::StmtKind::Keep:
    case ast::StmtKind::Rename:
    case ast::StmtKind::Flatten: {
      auto c = transform::CompiledStatement::compile(s);
      if (!c.ok()) return c.err();
      j.plain_ = std::make_unique<transform::CompiledStatement>(std::move(c.value()));
      return j;
    }
    case ast::StmtKind::Where:
    case ast::StmtKind::Require:
    case ast::StmtKind::Set:
    case ast::StmtKind::Select:
    case ast::StmtKind::Key:
      break;
    default:
      return error::permanent(loc_text(s.loc) + "this statement is not allowed in a join");
  }
  if (s.kind == ast::StmtKind::Select && s.exprs.size() == 1 && s.exprs[0] &&
      s.exprs[0]->kind == ast::ExprKind::ObjectLit) {
    j.select_is_shape_ = true;
    for (const auto& en : s.exprs[0]->entries) {
      auto r = compile_entry(en, scope);
      if (!r.ok()) return r.err();
      j.select_.push_back(std::move(r.value()));
    }
    return j;
  }
  for (const auto& e : s.exprs) {
    if (!e) continue;
    auto r = eval::compile(*e, scope);
    if (!r.ok()) return r.err();
    j.exprs_.push_back(std::move(r.value()));
  }
  if (j.exprs_.empty()) return error::permanent(loc_text(s.loc) + "statement needs an expression");
  if (s.kind == ast::StmtKind::Set) {
    if (s.paths.empty() || s.paths[0].segments.empty()) {
      return error::permanent(loc_text(s.loc) + "set needs a field");
    }
    for (const auto& seg : s.paths[0].segments) j.path_.push_back(intern(seg));
  }
  return j;
}

JoinStatement::Outcome JoinStatement::run(Event& e, const eval::Context& ctx) {
  if (plain_) return plain_->run(e, ctx);
  switch (kind_) {
    case ast::StmtKind::Where:
      return is_true(exprs_[0]->eval(ctx), "where") ? Outcome::Continue : Outcome::Drop;
    case ast::StmtKind::Require:
      return is_true(exprs_[0]->eval(ctx), "require") ? Outcome::Continue : Outcome::Fail;
    case ast::StmtKind::Set: {
      Value v = exprs_[0]->eval(ctx);
      if (path_.size() == 1) {
        e.row.set(path_[0], std::move(v));
      } else {
        e.row.set_path(path_.data(), path_.size(), std::move(v));
      }
      return Outcome::Continue;
    }
    case ast::StmtKind::Select: {
      Object out;
      if (select_is_shape_) {
        build_select(select_, ctx, out);
      } else {
        Value v = exprs_[0]->eval(ctx);
        if (v.type() != Type::Object) {
          throw eval::eval_error(std::string("select: expected an object, got ") +
                                 type_name(v.type()));
        }
        out = std::move(v.as_object());
      }
      e.row = std::move(out);
      return Outcome::Continue;
    }
    case ast::StmtKind::Key: {
      if (exprs_.size() == 1) {
        e.key = exprs_[0]->eval(ctx);
      } else {
        List l;
        for (const auto& x : exprs_) l.push_back(x->eval(ctx));
        e.key = Value::list(std::move(l));
      }
      return Outcome::Continue;
    }
    default:
      return Outcome::Continue;
  }
}

}  // namespace sluice::operators::join
