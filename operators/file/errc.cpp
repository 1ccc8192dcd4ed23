#include "operators/file/errc.h"

SLUICE_ERRC_CATEGORY(sluice::operators::file, "file", SLUICE_FILE_ERRORS)
