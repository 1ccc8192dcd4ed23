// The error codes of module "mysql" (base/error_code.h). What the MySQL source fails with:
// connecting, reading and decoding the binlog, schemas, snapshots and positions.
#pragma once
#include "base/error_code.h"

// One X(name, dead-letter kind, message) per code, in the order of errc.
#define SLUICE_MYSQL_ERRORS(X)                                                              \
  X(connect, "source", "cannot connect to the MySQL server")                                \
  X(auth, "source", "the MySQL server refused the credentials")                             \
  X(config, "source", "the server's configuration does not allow binlog CDC")               \
  X(binlog_read, "source", "reading the binlog stream failed")                              \
  X(decode, "decode", "a binlog event could not be decoded")                                \
  X(bad_json, "decode", "a JSON value does not parse, or holds a number not held exactly")  \
  X(schema, "decode", "a table's schema is unknown or does not match the row")              \
  X(snapshot, "source", "the initial snapshot of a table failed")                           \
  X(position_lost, "source", "the checkpointed binlog position is no longer on the server") \
  X(state, "source", "the checkpointed source state is malformed")                          \
  X(tls, "source", "the TLS connection to the MySQL server failed or was refused")          \
  X(partial_row, "decode",                                                                  \
    "a binlog row lacks columns (binlog_row_image MINIMAL or NOBLOB in its session)")       \
  X(statement_change, "decode",                                                             \
    "a change of a captured table is in the binlog as a statement, not as rows")            \
  X(server_id, "source", "another replica of the server uses the source's server_id")

SLUICE_ERRC_ENUM(sluice::operators::mysql, SLUICE_MYSQL_ERRORS)
