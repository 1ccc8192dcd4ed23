// One statement of a transform, join or aggregate block (DSL.md §5) compiled once: field paths
// interned, expressions compiled in the stage's scope (a join's inputs are in scope, so that
// `stage.field` reads that input's row). run() applies it to one event in place.
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "base/event.h"
#include "base/result.h"
#include "dsl/ast.h"
#include "dsl/eval/expr.h"
#include "operators/common/statements/select_node.h"

namespace sluice::operators::statements {

class CompiledStatement {
 public:
  enum class Outcome { Continue, Drop, Fail };

  // group by / aggregate fields / window: statements only an aggregate runs (itself).
  static bool aggregate_only(ast::StmtKind kind);
  static result<CompiledStatement> compile(const ast::Statement& s,
                                           const eval::Scope& scope = eval::Scope{});

  // Applies the statement. Fail: a `require` was not met (message()); eval_error propagates.
  Outcome run(Event& e, const eval::Context& ctx);
  const std::string& message() const { return message_; }
  ast::StmtKind kind() const { return kind_; }

 private:
  result<void> compile_exprs(const ast::Statement& s, const eval::Scope& scope);
  // One per statement kind (where and require are one line in run()).
  void set_field(Object& row, const eval::Context& ctx);
  void drop_fields(Object& row);
  void keep_fields(Object& row);
  void rename_field(Object& row);
  void select_row(Object& row, const eval::Context& ctx);
  void set_key(Event& e, const eval::Context& ctx);
  void flatten(Object& row);
  Sym prefixed(Sym name);

  ast::StmtKind kind_ = ast::StmtKind::Where;
  std::vector<std::vector<Sym>> paths_;
  std::vector<eval::ExprPtr> exprs_;
  std::vector<SelectNode> select_;
  bool select_is_shape_ = false;  // select from an object literal (else exprs_[0] is an object)
  bool keep_top_level_ = true;    // every keep path has one segment
  std::string prefix_;
  std::string message_;
  std::unordered_map<Sym, Sym> prefix_cache_;
};

}  // namespace sluice::operators::statements
