#include "operators/kafka/errc.h"

SLUICE_ERRC_CATEGORY(sluice::operators::kafka, "kafka", SLUICE_KAFKA_ERRORS)
