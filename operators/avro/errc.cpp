#include "operators/avro/errc.h"

SLUICE_ERRC_CATEGORY(sluice::operators::avro, "avro", SLUICE_AVRO_ERRORS)
