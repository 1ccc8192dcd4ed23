#include "engine/actors/stage_diff.h"

namespace sluice::engine {
namespace {

bool same_value(const Value& a, const Value& b) {
  // Same type and the same display text: 1.50 and 1.5 differ, as do 1 and 1.0.
  return a.type() == b.type() && a.to_display() == b.to_display();
}

bool same_exprs(const std::vector<ast::ExprPtr>& a, const std::vector<ast::ExprPtr>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!same_expr(a[i].get(), b[i].get())) return false;
  }
  return true;
}

bool same_options(const std::vector<ast::Option>& a, const std::vector<ast::Option>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto& x = a[i];
    const auto& y = b[i];
    if (x.name != y.name || x.is_block != y.is_block || !same_expr(x.value.get(), y.value.get()) ||
        !same_options(x.block, y.block)) {
      return false;
    }
  }
  return true;
}

bool same_paths(const std::vector<ast::Path>& a, const std::vector<ast::Path>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].segments != b[i].segments) return false;
  }
  return true;
}

bool same_statement(const ast::Statement& a, const ast::Statement& b) {
  return a.kind == b.kind && a.prefix == b.prefix && a.message == b.message &&
         same_paths(a.paths, b.paths) && same_exprs(a.exprs, b.exprs);
}

}  // namespace

bool same_expr(const ast::Expr* a, const ast::Expr* b) {
  if (a == nullptr || b == nullptr) return a == b;
  if (a->kind != b->kind || a->unit != b->unit || a->rate_period_us != b->rate_period_us ||
      a->path != b->path || a->op != b->op || a->negated != b->negated ||
      !same_value(a->literal, b->literal) || !same_exprs(a->args, b->args) ||
      a->entries.size() != b->entries.size()) {
    return false;
  }
  for (size_t i = 0; i < a->entries.size(); ++i) {
    if (a->entries[i].name != b->entries[i].name ||
        !same_expr(a->entries[i].value.get(), b->entries[i].value.get())) {
      return false;
    }
  }
  return true;
}

bool same_stage(const ast::Stage& a, const ast::Stage& b) {
  if (a.type != b.type || a.kind != b.kind || a.name != b.name || a.from.size() != b.from.size() ||
      a.statements.size() != b.statements.size()) {
    return false;
  }
  for (size_t i = 0; i < a.from.size(); ++i) {
    if (a.from[i].name != b.from[i].name) return false;
  }
  for (size_t i = 0; i < a.statements.size(); ++i) {
    if (!same_statement(a.statements[i], b.statements[i])) return false;
  }
  return same_exprs(a.join_on, b.join_on) && same_options(a.options, b.options);
}

bool same_settings(const ast::Pipeline& a, const ast::Pipeline& b) {
  return same_options(a.settings, b.settings);
}

}  // namespace sluice::engine
