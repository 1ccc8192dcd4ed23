// The error codes of module "eval" (base/error_code.h). What evaluating an expression can fail with
// (eval_error carries one; eval::evaluate returns it). Every code is a dead letter of kind "eval".
#pragma once
#include "base/error_code.h"

// One X(name, dead-letter kind, message) per code, in the order of errc.
#define SLUICE_EVAL_ERRORS(X)                                                             \
  X(type_mismatch, "eval", "a value has the wrong type for the operation")                \
  X(overflow, "eval", "the result does not fit its type")                                 \
  X(division_by_zero, "eval", "division by zero")                                         \
  X(bad_cast, "eval", "a value cannot be converted to the asked type")                    \
  X(invalid_argument, "eval", "a function argument is outside what the function takes")   \
  X(unknown_input, "eval", "the record comes from an input the expression does not know") \
  X(failed, "eval", "the expression cannot be evaluated")

SLUICE_ERRC_ENUM(sluice::eval, SLUICE_EVAL_ERRORS)
