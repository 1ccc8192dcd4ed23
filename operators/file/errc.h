// The error codes of module "file" (base/error_code.h). What the file source and sink fail with:
// opening, reading, malformed records, writing.
#pragma once
#include "base/error_code.h"

// One X(name, dead-letter kind, message) per code, in the order of errc.
#define SLUICE_FILE_ERRORS(X)                              \
  X(open, "source", "the file cannot be opened")           \
  X(read, "source", "reading the file failed")             \
  X(decode, "decode", "a record of the file is malformed") \
  X(write, "write", "writing to the file failed")

SLUICE_ERRC_ENUM(sluice::operators::file, SLUICE_FILE_ERRORS)
