// A `select { name: EXPR, nested: { ... } }` entry, compiled once (DSL.md §5), and the row it
// builds.
#pragma once
#include <vector>

#include "base/result.h"
#include "base/value.h"
#include "dsl/ast.h"
#include "dsl/eval/expr.h"

namespace sluice::operators::statements {

struct SelectNode {
  Sym name = 0;
  eval::ExprPtr expr;                // leaf
  std::vector<SelectNode> children;  // nested object (expr is null)

  // Compiles one entry of the object literal, its expressions in scope.
  static result<SelectNode> compile(const ast::ObjectEntry& en, const eval::Scope& scope);
  // Appends the fields of nodes, evaluated in ctx, to out.
  static void build(const std::vector<SelectNode>& nodes, const eval::Context& ctx, Object& out);
};

}  // namespace sluice::operators::statements
