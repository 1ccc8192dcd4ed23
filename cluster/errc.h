// The error codes of module "cluster" (base/error_code.h; names, kinds and messages in
// errc.cpp). What the cluster (coordinator, workers, shared state) fails with.
#pragma once
#include "base/error_code.h"

namespace sluice::cluster {

enum class errc : int {
  transport,           // a message between nodes could not be delivered
  no_coordinator,      // no coordinator is reachable
  lease_lost,          // this node lost its lease on a pipeline
  state_store,         // reading or writing the shared state failed
  assignment,          // pipelines cannot be assigned to the workers
  checkpoint_backend,  // the shared checkpoint store failed
};

// The error_code of e: module "cluster", e's name, kind and message (errc.cpp).
error_code make_error_code(errc e);

}  // namespace sluice::cluster
