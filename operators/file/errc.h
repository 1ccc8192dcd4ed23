// The error codes of module "file" (base/error_code.h; names, kinds and messages in
// errc.cpp). What the file source and sink fail with: opening, reading, malformed records, writing.
#pragma once
#include "base/error_code.h"

namespace sluice::operators::file {

enum class errc : int {
  open,    // the file cannot be opened
  read,    // reading the file failed
  decode,  // a record of the file is malformed
  write,   // writing to the file failed
};

// The error_code of e: module "file", e's name, kind and message (errc.cpp).
error_code make_error_code(errc e);

}  // namespace sluice::operators::file
