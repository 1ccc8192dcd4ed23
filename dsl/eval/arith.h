// Arithmetic and comparison on Values for the expression operators (DSL.md §6), with the
// typing rules documented in docs/expressions.md. Arguments are never null (the operator
// nodes handle null first). Failures throw eval_error.
#pragma once
#include "dsl/eval/expr.h"

namespace sluice::eval::arith {

// Scale of the result of `/` between exact numbers: max(kDivScale, scale(a), scale(b)).
constexpr int kDivScale = 6;

Value add(const Value& a, const Value& b);  // numbers; strings join (string + x joins x's text)
Value sub(const Value& a, const Value& b);
Value mul(const Value& a, const Value& b);
Value div(const Value& a, const Value& b);
Value rem(const Value& a, const Value& b);
Value neg(const Value& a);

// `==`: numbers compare numerically across types; values of incompatible types are unequal.
bool equals(const Value& a, const Value& b);
// `<` family: -1/0/1, or 2 when unordered (NaN). Throws eval_error for incompatible types.
int order(const Value& a, const Value& b, const char* op);

// Exact integer or decimal as a Decimal (Int, UInt, Decimal only).
Decimal to_decimal(const Value& v);
bool is_exact(const Value& v);     // Int, UInt or Decimal
double to_double(const Value& v);  // any number

}  // namespace sluice::eval::arith
