#include "cluster/errc.h"

SLUICE_ERRC_CATEGORY(sluice::cluster, "cluster", SLUICE_CLUSTER_ERRORS)
