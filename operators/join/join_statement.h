// A statement inside a join's block, compiled with the join's inputs in scope so that
// `stage.field` reads that input's row (eval::Context::inputs). where/require/set/select/key
// are compiled here; drop/keep/rename/flatten (no expressions) reuse the transform's
// CompiledStatement.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dsl/eval/expr.h"
#include "operators/transform/compiled_statement.h"

namespace sluice::operators::join {

class JoinStatement {
 public:
  using Outcome = transform::CompiledStatement::Outcome;

  static result<JoinStatement> compile(const ast::Statement& s, const eval::Scope& scope);
  // Applies the statement to e.row; eval_error propagates.
  Outcome run(Event& e, const eval::Context& ctx);
  const std::string& message() const { return message_; }

 private:
  ast::StmtKind kind_ = ast::StmtKind::Where;
  std::vector<Sym> path_;  // set
  std::vector<eval::ExprPtr> exprs_;
  std::vector<transform::SelectNode> select_;
  bool select_is_shape_ = false;
  std::string message_;
  std::unique_ptr<transform::CompiledStatement> plain_;
};

}  // namespace sluice::operators::join
