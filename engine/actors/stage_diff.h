// Hot reload: is a stage (or a pipeline's settings) defined the same in two parsed files?
// Compares the AST structurally (names, options, statements, expressions, literals with their
// type and digits), ignoring positions, comments and layout.
#pragma once
#include "dsl/ast.h"

namespace sluice::engine {

bool same_stage(const ast::Stage& a, const ast::Stage& b);
bool same_settings(const ast::Pipeline& a, const ast::Pipeline& b);
bool same_expr(const ast::Expr* a, const ast::Expr* b);

}  // namespace sluice::engine
