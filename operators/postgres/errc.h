// The error codes of module "postgres" (base/error_code.h). What the PostgreSQL sink fails with:
// connecting, writing (the server refusing records, keys it cannot have), table creation and the
// checkpoint row.
#pragma once
#include "base/error_code.h"

// One X(name, dead-letter kind, message) per code, in the order of errc.
#define SLUICE_POSTGRES_ERRORS(X)                                                             \
  X(connect, "write", "cannot connect to the PostgreSQL server")                              \
  X(refused, "write", "the server refused the statement (SQLSTATE in the message)")           \
  X(conversion, "write", "a value cannot be converted to the column's type (SQLSTATE 22...)") \
  X(constraint, "write", "a constraint refused the record (SQLSTATE 23...)")                  \
  X(null_key, "write", "a key column of the record is null")                                  \
  X(no_key, "write", "the record has no key and its table no key columns")                    \
  X(bad_table, "write", "the target table name or schema is not usable")                      \
  X(schema, "write", "creating or altering the target table failed")                          \
  X(in_doubt, "write", "the commit's outcome is unknown (connection lost during COMMIT)")     \
  X(checkpoint, "write", "reading or writing the checkpoint row failed")                      \
  X(fenced, "write", "a newer cluster owner holds the target's checkpoint row")               \
  X(config, "write", "the sink's options are invalid")

SLUICE_ERRC_ENUM(sluice::operators::postgres, SLUICE_POSTGRES_ERRORS)
