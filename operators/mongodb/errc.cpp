#include "operators/mongodb/errc.h"

SLUICE_ERRC_CATEGORY(sluice::operators::mongodb, "mongodb", SLUICE_MONGODB_ERRORS)
