// The error codes of module "eval" (base/error_code.h; names, kinds and messages in
// errc.cpp). What evaluating an expression can fail with (eval_error carries one; eval::evaluate
// returns it). Every code is a dead letter of kind "eval".
#pragma once
#include "base/error_code.h"

namespace sluice::eval {

enum class errc : int {
  type_mismatch,     // a value has the wrong type for the operation
  overflow,          // the result does not fit its type
  division_by_zero,  // division by zero
  bad_cast,          // a value cannot be converted to the asked type
  invalid_argument,  // a function argument is outside what the function takes
  unknown_input,     // the record comes from an input the expression does not know
  failed,            // the expression cannot be evaluated
};

// The error_code of e: module "eval", e's name, kind and message (errc.cpp).
error_code make_error_code(errc e);

}  // namespace sluice::eval
