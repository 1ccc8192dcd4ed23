// The error codes of module "delta" (base/error_code.h). What sink delta fails with: values that
// do not fit their column (type, decimal, NOT NULL), writing the table's files and its log.
#pragma once
#include "base/error_code.h"

// One X(name, dead-letter kind, message) per code, in the order of errc.
#define SLUICE_DELTA_ERRORS(X)                                                            \
  X(type_mismatch, "write", "a value does not fit its column's type")                     \
  X(decimal_overflow, "write", "a decimal does not fit its column's precision and scale") \
  X(null_in_required, "write", "a null in a column declared NOT NULL")                    \
  X(io, "write", "writing a file of the table failed")                                    \
  X(log, "write", "the table's _delta_log cannot be read or written")                     \
  X(path, "write", "a record's table location leaves the place its path expression names")

SLUICE_ERRC_ENUM(sluice::operators::delta, SLUICE_DELTA_ERRORS)
