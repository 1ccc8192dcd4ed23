#include "operators/debezium/errc.h"

SLUICE_ERRC_CATEGORY(sluice::operators::debezium, "debezium", SLUICE_DEBEZIUM_ERRORS)
