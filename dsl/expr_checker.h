// Static checks of expressions: names of @meta and functions, arity, aggregate use, and the
// type errors that are certain before running (both operand types statically known).
#pragma once
#include <string>
#include <vector>

#include "dsl/ast.h"
#include "dsl/diagnostics.h"
#include "dsl/eval/expr.h"

namespace sluice::dsl {

struct ExprScope {
  bool per_record = true;                // fields and @meta allowed (false: constant options)
  bool allow_generate = false;           // seq(), random_*(), pick() (generate fields)
  bool allow_env = false;                // env(), secret() (options)
  bool constructors = false;             // exponential(), fixed(), gtid() (constant options)
  bool aggregate_top = false;            // the expression itself may be an aggregate call
  bool aggregate_anywhere = false;       // do not report aggregate calls (already reported)
  bool meta_keys = false;                // `{ @op: "d" }` (the records of a test block)
  std::string what;                      // "option 'table'", "where" — used in messages
  std::vector<std::string> join_inputs;  // join: input stage names usable as `stage.field`
};

class ExprChecker {
 public:
  explicit ExprChecker(Diagnostics& diags) : diags_(diags) {}
  // Checks `e` and returns its static type (Unknown when not known before running).
  eval::SType check(const ast::Expr& e, const ExprScope& scope);
  // Reports a compiler or evaluator message at the "LINE:COL: " it starts with (else at
  // `fallback`), without that prefix.
  void report_compile_error(ast::Loc fallback, const std::string& message);

 private:
  eval::SType check_call(const ast::Expr& e, const ExprScope& scope, bool top);
  eval::SType check_meta(const ast::Expr& e, const ExprScope& scope);
  eval::SType check_binary(const ast::Expr& e, const ExprScope& scope);
  eval::SType walk(const ast::Expr& e, const ExprScope& scope, bool top);
  Diagnostics& diags_;
};

// "int", "string", ... for messages.
const char* stype_name(eval::SType t);
bool is_numeric(eval::SType t);
bool is_known(eval::SType t);  // neither Unknown nor Null
// Whether a value of static type `arg` may be passed where `param` is expected.
bool compatible(eval::SType param, eval::SType arg);
// Static type of a literal.
eval::SType literal_type(const ast::Expr& e);

}  // namespace sluice::dsl
