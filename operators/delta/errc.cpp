#include "operators/delta/errc.h"

SLUICE_ERRC_CATEGORY(sluice::operators::delta, "delta", SLUICE_DELTA_ERRORS)
