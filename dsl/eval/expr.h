// Compiled expressions: an AST expression turned into a tree of evaluators.
// Errors while evaluating (to_int("x"), decimal overflow) throw eval_error inside dsl/eval;
// code outside evaluates with eval::evaluate(), which returns them as a result (with the
// eval errc, dsl/eval/errc.h) that the operator turns into a dead letter.
#pragma once
#include <cstdint>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "base/event.h"
#include "base/result.h"
#include "base/secrets.h"
#include "base/value.h"
#include "dsl/ast.h"
#include "dsl/eval/errc.h"

namespace sluice::eval {

// Thrown by the evaluators; evaluate() turns it into an error with `code`.
struct eval_error : std::runtime_error {
  explicit eval_error(const std::string& message, errc c = errc::failed)
      : std::runtime_error(message), code(c) {}
  eval_error(errc c, const std::string& message) : std::runtime_error(message), code(c) {}
  errc code;
};

// State for the generate source's functions: seq(), random_*().
struct GenState {
  int64_t seq = 0;
  std::mt19937_64 rng{42};
};

struct Context {
  const Event* event = nullptr;  // for @meta; may be null (options)
  const Object* row = nullptr;   // bare names resolve here
  // Join: rows of the join's inputs, by input index (nullptr = missing side).
  const std::vector<const Object*>* inputs = nullptr;
  GenState* gen = nullptr;
  int64_t now = 0;  // micros; now() returns this when non-zero
};

// Static types known before running (the checker uses them: upper(3) is an error).
enum class SType : uint8_t {
  Unknown,
  Null,
  Bool,
  Int,
  UInt,
  Float,
  Decimal,
  String,
  Bytes,
  Date,
  Time,
  DateTime,
  Timestamp,
  Object,
  List,
  Number
};

// The static type of a value of runtime type t.
SType stype_of(Type t);

class Expr {
 public:
  virtual ~Expr() = default;
  virtual Value eval(const Context& ctx) const = 0;
  // Like eval(), but may return a pointer to a value that already exists (a field of the row,
  // a literal) instead of copying it; otherwise stores the result in `scratch` and returns
  // &scratch. The pointer stays valid while the context's row/event and `scratch` do.
  virtual const Value* peek(const Context& ctx, Value& scratch) const {
    scratch = eval(ctx);
    return &scratch;
  }
  SType stype = SType::Unknown;
};
using ExprPtr = std::unique_ptr<Expr>;

struct Scope {
  std::vector<std::string> join_inputs;  // names usable as `stage.field` (join)
  bool allow_generate = false;           // seq(), random_*(), pick()
  bool allow_env = true;                 // env()/secret()
};

// Runs f, code that evaluates (an expression, a list of statements) and may throw eval_error:
// its result, or a permanent error with the eval errc and message (secrets redacted; another
// std::exception gives errc::failed). With evaluate() the boundary between the evaluators and
// the operators: nothing outside dsl/eval catches eval_error.
template <class F, class R = std::invoke_result_t<F&>>
result<R> guarded(F&& f) {
  try {
    if constexpr (std::is_void_v<R>) {
      f();
      return {};
    } else {
      return f();
    }
  } catch (const eval_error& ex) {
    return error::permanent(ex.code, secrets::redact(ex.what()));
  } catch (const std::exception& ex) {  // e.g. std::bad_alloc from a huge string
    return error::permanent(errc::failed, secrets::redact(ex.what()));
  }
}

// Evaluates `e` for one record: its value, or the error as guarded() gives it.
result<Value> evaluate(const Expr& e, const Context& ctx);

// Compiles an expression; errors carry the AST location in the message prefix "LINE:COL: ".
result<ExprPtr> compile(const ast::Expr& e, const Scope& scope);

// Whether `e` has one value for all events of one source table: it reads no field, only
// @table, @db and @source (and constants, env(), pure functions of them).
bool per_source_table(const ast::Expr& e);

// Evaluates a constant expression (options): literals, env(), secret(), operators on them.
result<Value> eval_constant(const ast::Expr& e);

// The operands of a `+` chain, left to right ((a + b) + c and a + (b + c): a, b, c); `e` itself
// when it is no `+`. Sinks that build a name or path from text find the parts a record gives so.
std::vector<const ast::Expr*> concat_operands(const ast::Expr& e);

}  // namespace sluice::eval
