// The statements of a transform, join or aggregate block, compiled once and run top to bottom
// on one event at a time: the one statement engine of the three stages.
#pragma once
#include <string>
#include <vector>

#include "operators/common/statements/compiled_statement.h"

namespace sluice::operators::statements {

class StatementList {
 public:
  using Outcome = CompiledStatement::Outcome;

  // Compiles s (expressions in scope) and appends it.
  result<void> add(const ast::Statement& s, const eval::Scope& scope = eval::Scope{});
  // Runs the statements on e until one does not continue: Drop (a `where` dropped it) or Fail
  // (a `require` was not met, failed_message()). eval_error propagates.
  Outcome run(Event& e, const eval::Context& ctx);
  // The message of the `require` that failed in the last run().
  const std::string& failed_message() const { return failed_message_; }
  bool empty() const { return statements_.empty(); }

 private:
  std::vector<CompiledStatement> statements_;
  std::string failed_message_;
};

}  // namespace sluice::operators::statements
