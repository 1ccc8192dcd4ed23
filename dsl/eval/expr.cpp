#include "dsl/eval/expr.h"

namespace sluice::eval {

result<Value> evaluate(const Expr& e, const Context& ctx) {
  return guarded([&] { return e.eval(ctx); });
}

}  // namespace sluice::eval
