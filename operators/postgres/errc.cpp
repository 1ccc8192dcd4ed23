#include "operators/postgres/errc.h"

SLUICE_ERRC_CATEGORY(sluice::operators::postgres, "postgres", SLUICE_POSTGRES_ERRORS)
