// The error codes of module "postgres" (base/error_code.h; names, kinds and messages in
// errc.cpp). What the PostgreSQL sink fails with: connecting, writing (the server refusing records,
// keys it cannot have), table creation and the checkpoint row.
#pragma once
#include "base/error_code.h"

namespace sluice::operators::postgres {

enum class errc : int {
  connect,     // cannot connect to the PostgreSQL server
  refused,     // the server refused the statement (SQLSTATE in the message)
  conversion,  // a value cannot be converted to the column's type (SQLSTATE 22...)
  constraint,  // a constraint refused the record (SQLSTATE 23...)
  null_key,    // a key column of the record is null
  no_key,      // the record has no key and its table no key columns
  bad_table,   // the target table name or schema is not usable
  schema,      // creating or altering the target table failed
  in_doubt,    // the commit's outcome is unknown (connection lost during COMMIT)
  checkpoint,  // reading or writing the checkpoint row failed
  fenced,      // a newer cluster owner holds the target's checkpoint row
  config,      // the sink's options are invalid
};

// The error_code of e: module "postgres", e's name, kind and message (errc.cpp).
error_code make_error_code(errc e);

}  // namespace sluice::operators::postgres
