// The error codes of module "reconcile" (base/error_code.h; names, kinds and messages in
// errc.cpp). What reconciling a source table with its copy fails with.
#pragma once
#include "base/error_code.h"

namespace sluice::reconcile {

enum class errc : int {
  connect,    // cannot connect to the source or the target
  discovery,  // the table pairs to compare cannot be found
  compare,    // reading or comparing the rows failed
  repair,     // writing the repair events failed
};

// The error_code of e: module "reconcile", e's name, kind and message (errc.cpp).
error_code make_error_code(errc e);

}  // namespace sluice::reconcile
