// Classifies libpqxx exceptions into the sink's three answers: a data error (SQLSTATE class
// 22 conversion or 23 constraint: isolate and dead-letter the record), a transient fault
// (connection loss, deadlock 40P01, serialization 40001, too many connections 53300, admin
// shutdown 57P01: retry the batch), a fenced write (the target's checkpoint row belongs to a
// newer cluster owner: give the pipeline up, never retry) or anything else (a fatal error for
// the stage).
#pragma once
#include <exception>
#include <string>

#include "operators/postgres/errc.h"

namespace sluice::operators::postgres {

// SQLSTATE foreign_key_violation: a row refers to a missing row, or is still referred to.
inline constexpr const char* kForeignKeyViolation = "23503";
// SQLSTATE insufficient_privilege: not the owner of a table, no CREATE on a schema.
inline constexpr const char* kInsufficientPrivilege = "42501";

struct PgFailure {
  enum class Kind { Data, Transient, Fenced, Other };
  Kind kind = Kind::Other;
  bool in_doubt = false;  // the commit's outcome is unknown
  std::string sqlstate;   // "" when the server sent none
  std::string message;    // one line, server text (no query, no connection string)

  // "SQLSTATE 23505: duplicate key value violates unique constraint \"t_pkey\" ..."
  std::string describe() const;
  // The sink's code for it: in_doubt, connect (other transient faults), fenced, conversion
  // (SQLSTATE class 22), constraint (23), refused (anything else).
  errc code() const;
  static PgFailure from(const std::exception& e);
};

}  // namespace sluice::operators::postgres
