#include "reconcile/errc.h"

SLUICE_ERRC_CATEGORY(sluice::reconcile, "reconcile", SLUICE_RECONCILE_ERRORS)
