#include "operators/common/statements/compiled_statement.h"

#include <algorithm>

#include "operators/common/statements/loc_text.h"

namespace sluice::operators::statements {
namespace {

std::vector<Sym> intern_path(const ast::Path& p) {
  std::vector<Sym> out;
  out.reserve(p.segments.size());
  for (const auto& s : p.segments) out.push_back(intern(s));
  return out;
}

Value* find_mut(Object& row, const std::vector<Sym>& path) {
  Object* obj = &row;
  for (size_t i = 0; i < path.size(); ++i) {
    Value* v = obj->find(path[i]);
    if (v == nullptr) return nullptr;
    if (i + 1 == path.size()) return v;
    if (v->type() != Type::Object) return nullptr;
    obj = &v->as_object();
  }
  return nullptr;
}

bool is_true(const Value& v, const char* what) {
  if (v.is_null()) return false;
  if (v.type() != Type::Bool) {
    throw eval::eval_error(eval::errc::type_mismatch,
                           std::string(what) + ": expected a bool, got " + type_name(v.type()));
  }
  return v.as_bool();
}

bool needs_expr(ast::StmtKind k) {
  return k == ast::StmtKind::Where || k == ast::StmtKind::Set || k == ast::StmtKind::Key ||
         k == ast::StmtKind::Require || k == ast::StmtKind::Select;
}

bool needs_path(ast::StmtKind k) {
  return k == ast::StmtKind::Set || k == ast::StmtKind::Flatten || k == ast::StmtKind::Drop ||
         k == ast::StmtKind::Keep;
}

}  // namespace

bool CompiledStatement::aggregate_only(ast::StmtKind kind) {
  return kind == ast::StmtKind::GroupBy || kind == ast::StmtKind::AggField ||
         kind == ast::StmtKind::Window;
}

result<CompiledStatement> CompiledStatement::compile(const ast::Statement& s,
                                                     const eval::Scope& scope) {
  if (aggregate_only(s.kind)) {
    return error::permanent(loc_text(s.loc) +
                            "group by / aggregate functions / window belong in an aggregate");
  }
  CompiledStatement c;
  c.kind_ = s.kind;
  c.prefix_ = s.prefix;
  c.message_ = s.message;
  for (const auto& p : s.paths) {
    c.paths_.push_back(intern_path(p));
    if (p.segments.size() != 1) c.keep_top_level_ = false;
  }
  auto r = c.compile_exprs(s, scope);
  if (!r.ok()) return r.err();
  if (c.select_is_shape_) return c;
  if (needs_expr(s.kind) && c.exprs_.empty()) {
    return error::permanent(loc_text(s.loc) + "statement needs an expression");
  }
  // (a set without a field segment can only come from a block that did not parse)
  if ((needs_path(s.kind) && c.paths_.empty()) ||
      (s.kind == ast::StmtKind::Set && c.paths_[0].empty()) ||
      (s.kind == ast::StmtKind::Rename && c.paths_.size() != 2)) {
    return error::permanent(loc_text(s.loc) + "statement is missing its field path");
  }
  return c;
}

result<void> CompiledStatement::compile_exprs(const ast::Statement& s, const eval::Scope& scope) {
  if (s.kind == ast::StmtKind::Select && s.exprs.size() == 1 && s.exprs[0] &&
      s.exprs[0]->kind == ast::ExprKind::ObjectLit) {
    select_is_shape_ = true;
    for (const auto& en : s.exprs[0]->entries) {
      auto r = SelectNode::compile(en, scope);
      if (!r.ok()) return r.err();
      select_.push_back(std::move(r.value()));
    }
    return {};
  }
  for (const auto& e : s.exprs) {
    if (!e) continue;
    auto r = eval::compile(*e, scope);
    if (!r.ok()) return r.err();
    exprs_.push_back(std::move(r.value()));
  }
  return {};
}

Sym CompiledStatement::prefixed(Sym name) {
  if (prefix_.empty()) return name;
  auto it = prefix_cache_.find(name);
  if (it != prefix_cache_.end()) return it->second;
  Sym p = intern(prefix_ + sym_name(name));
  prefix_cache_.emplace(name, p);
  return p;
}

void CompiledStatement::flatten(Object& row) {
  const std::vector<Sym>& path = paths_[0];
  Value* v = find_mut(row, path);
  if (v == nullptr || v->is_null()) return;
  if (v->type() != Type::Object) {
    std::string name;
    for (Sym s : path) name += (name.empty() ? "" : ".") + sym_name(s);
    throw eval::eval_error(eval::errc::type_mismatch, "flatten: " + name + " is a " +
                                                          type_name(v->type()) + ", not an object");
  }
  Object sub = std::move(v->as_object());
  if (path.size() != 1) {
    row.erase_path(path.data(), path.size());
    for (Field& f : sub.fields()) row.set(prefixed(f.name), std::move(f.value));
    return;
  }
  // Top-level: the lifted fields take the flattened field's place; they win over same-named
  // fields elsewhere in the row.
  std::vector<Field>& fs = row.fields();
  size_t idx = 0;
  while (idx < fs.size() && fs[idx].name != path[0]) ++idx;
  std::vector<Field> nf;
  nf.reserve(fs.size() + sub.size());
  auto lifted = [&](Sym n) {
    for (const Field& f : sub.fields()) {
      if (prefixed(f.name) == n) return true;
    }
    return false;
  };
  for (size_t i = 0; i < idx; ++i) {
    if (!lifted(fs[i].name)) nf.push_back(std::move(fs[i]));
  }
  for (Field& f : sub.fields()) nf.push_back(Field{prefixed(f.name), std::move(f.value)});
  for (size_t i = idx + 1; i < fs.size(); ++i) {
    if (!lifted(fs[i].name)) nf.push_back(std::move(fs[i]));
  }
  fs = std::move(nf);
}

CompiledStatement::Outcome CompiledStatement::run(Event& e, const eval::Context& ctx) {
  switch (kind_) {
    case ast::StmtKind::Where:
      return is_true(exprs_[0]->eval(ctx), "where") ? Outcome::Continue : Outcome::Drop;
    case ast::StmtKind::Require:
      return is_true(exprs_[0]->eval(ctx), "require") ? Outcome::Continue : Outcome::Fail;
    case ast::StmtKind::Set:
      set_field(e.row, ctx);
      return Outcome::Continue;
    case ast::StmtKind::Drop:
      drop_fields(e.row);
      return Outcome::Continue;
    case ast::StmtKind::Keep:
      keep_fields(e.row);
      return Outcome::Continue;
    case ast::StmtKind::Rename:
      rename_field(e.row);
      return Outcome::Continue;
    case ast::StmtKind::Select:
      select_row(e.row, ctx);
      return Outcome::Continue;
    case ast::StmtKind::Flatten:
      flatten(e.row);
      return Outcome::Continue;
    case ast::StmtKind::Key:
      set_key(e, ctx);
      return Outcome::Continue;
    default:
      return Outcome::Continue;
  }
}

void CompiledStatement::set_field(Object& row, const eval::Context& ctx) {
  Value v = exprs_[0]->eval(ctx);
  const auto& p = paths_[0];
  if (p.size() == 1) {
    row.set(p[0], std::move(v));
  } else {
    row.set_path(p.data(), p.size(), std::move(v));
  }
}

void CompiledStatement::drop_fields(Object& row) {
  for (const auto& p : paths_) {
    if (p.size() == 1) {
      row.erase(p[0]);
    } else {
      row.erase_path(p.data(), p.size());
    }
  }
}

void CompiledStatement::keep_fields(Object& row) {
  if (keep_top_level_) {  // filter in place, keeping the row's order
    auto& fs = row.fields();
    fs.erase(std::remove_if(fs.begin(), fs.end(),
                            [&](const Field& f) {
                              for (const auto& p : paths_) {
                                if (p[0] == f.name) return false;
                              }
                              return true;
                            }),
             fs.end());
    return;
  }
  Object out;
  for (const auto& p : paths_) {
    Value* v = find_mut(row, p);
    if (v != nullptr) out.set_path(p.data(), p.size(), std::move(*v));
  }
  row = std::move(out);
}

void CompiledStatement::rename_field(Object& row) {
  const auto& from = paths_[0];
  const auto& to = paths_[1];
  if (from == to) return;
  Value* v = find_mut(row, from);
  if (v == nullptr) return;
  if (from.size() == 1 && to.size() == 1) {
    row.erase(to[0]);  // may move fields: look up again
    for (Field& f : row.fields()) {
      if (f.name == from[0]) {
        f.name = to[0];
        break;
      }
    }
    return;
  }
  Value moved = std::move(*v);
  row.erase_path(from.data(), from.size());
  row.set_path(to.data(), to.size(), std::move(moved));
}

void CompiledStatement::select_row(Object& row, const eval::Context& ctx) {
  Object out;
  if (select_is_shape_) {
    SelectNode::build(select_, ctx, out);
  } else {
    Value v = exprs_[0]->eval(ctx);
    if (v.type() != Type::Object) {
      throw eval::eval_error(eval::errc::type_mismatch,
                             std::string("select: expected an object, got ") + type_name(v.type()));
    }
    out = std::move(v.as_object());
  }
  row = std::move(out);
}

void CompiledStatement::set_key(Event& e, const eval::Context& ctx) {
  if (exprs_.size() == 1) {
    e.key = exprs_[0]->eval(ctx);
    return;
  }
  List l;
  l.reserve(exprs_.size());
  for (const auto& x : exprs_) l.push_back(x->eval(ctx));
  e.key = Value::list(std::move(l));
}

}  // namespace sluice::operators::statements
