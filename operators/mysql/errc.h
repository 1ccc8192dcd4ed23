// The error codes of module "mysql" (base/error_code.h; names, kinds and messages in
// errc.cpp). What the MySQL source fails with: connecting, reading and decoding the binlog,
// schemas, snapshots and positions.
#pragma once
#include "base/error_code.h"

namespace sluice::operators::mysql {

enum class errc : int {
  connect,        // cannot connect to the MySQL server
  auth,           // the MySQL server refused the credentials
  config,         // the server's configuration does not allow binlog CDC
  binlog_read,    // reading the binlog stream failed
  decode,         // a binlog event could not be decoded
  schema,         // a table's schema is unknown or does not match the row
  snapshot,       // the initial snapshot of a table failed
  position_lost,  // the checkpointed binlog position is no longer on the server
  state,          // the checkpointed source state is malformed
};

// The error_code of e: module "mysql", e's name, kind and message (errc.cpp).
error_code make_error_code(errc e);

}  // namespace sluice::operators::mysql
