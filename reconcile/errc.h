// The error codes of module "reconcile" (base/error_code.h). What reconciling a source table with
// its copy fails with.
#pragma once
#include "base/error_code.h"

// One X(name, dead-letter kind, message) per code, in the order of errc.
#define SLUICE_RECONCILE_ERRORS(X)                                        \
  X(connect, "reconcile", "cannot connect to the source or the target")   \
  X(discovery, "reconcile", "the table pairs to compare cannot be found") \
  X(compare, "reconcile", "reading or comparing the rows failed")         \
  X(repair, "reconcile", "writing the repair events failed")

SLUICE_ERRC_ENUM(sluice::reconcile, SLUICE_RECONCILE_ERRORS)
