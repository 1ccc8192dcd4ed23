#include "operators/mysql/errc.h"

SLUICE_ERRC_CATEGORY(sluice::operators::mysql, "mysql", SLUICE_MYSQL_ERRORS)
