#include "engine/core/errc.h"

SLUICE_ERRC_CATEGORY(sluice::engine, "engine", SLUICE_ENGINE_ERRORS)
