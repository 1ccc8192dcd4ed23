// The sink's own tables in the target (sluice_checkpoints, sluice_written): created when they
// do not exist, given the columns an older sink's table lacks. Checked before anything is
// created, so that a role that may only read and write them (PostgreSQL 15 gives PUBLIC no
// CREATE on schema public; a DBA creates the tables and grants DML) works; a role that would
// have to create or alter one and may not gets SinkTableRefused, which says what the table's
// owner must run (docs/postgres.md "Privileges"). May throw libpqxx exceptions.
#pragma once
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "operators/postgres/pqxx_fwd.h"

namespace sluice::operators::postgres {

class SinkTableRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SinkTableSpec {
  const char* table;    // "public.sluice_checkpoints"
  std::string columns;  // the CREATE TABLE's column list, without parentheses
  std::vector<std::pair<std::string, std::string>> added;  // (column, type) added by later versions
  std::vector<std::string> after_create;                   // e.g. CREATE INDEX IF NOT EXISTS ...
};

void ensure_sink_table(pqxx::connection_base& c, const SinkTableSpec& spec);

}  // namespace sluice::operators::postgres
