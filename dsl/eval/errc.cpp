#include "dsl/eval/errc.h"

SLUICE_ERRC_CATEGORY(sluice::eval, "eval", SLUICE_EVAL_ERRORS)
