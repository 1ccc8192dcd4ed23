// The error codes of module "cluster" (base/error_code.h). What the cluster (coordinator, workers,
// shared state) fails with.
#pragma once
#include "base/error_code.h"

// One X(name, dead-letter kind, message) per code, in the order of errc.
#define SLUICE_CLUSTER_ERRORS(X)                                            \
  X(transport, "cluster", "a message between nodes could not be delivered") \
  X(no_coordinator, "cluster", "no coordinator is reachable")               \
  X(lease_lost, "cluster", "this node lost its lease on a pipeline")        \
  X(state_store, "cluster", "reading or writing the shared state failed")   \
  X(assignment, "cluster", "pipelines cannot be assigned to the workers")   \
  X(checkpoint_backend, "cluster", "the shared checkpoint store failed")

SLUICE_ERRC_ENUM(sluice::cluster, SLUICE_CLUSTER_ERRORS)
