#include "operators/postgres/errc.h"

#include <iterator>

namespace sluice::operators::postgres {

namespace {

// One row per errc, in its order: name, dead-letter kind, message.
constexpr error_entry kEntries[] = {
    {"connect", "write", "cannot connect to the PostgreSQL server"},
    {"refused", "write", "the server refused the statement (SQLSTATE in the message)"},
    {"conversion", "write", "a value cannot be converted to the column's type (SQLSTATE 22...)"},
    {"constraint", "write", "a constraint refused the record (SQLSTATE 23...)"},
    {"null_key", "write", "a key column of the record is null"},
    {"no_key", "write", "the record has no key and its table no key columns"},
    {"bad_table", "write", "the target table name or schema is not usable"},
    {"schema", "write", "creating or altering the target table failed"},
    {"in_doubt", "write", "the commit's outcome is unknown (connection lost during COMMIT)"},
    {"checkpoint", "write", "reading or writing the checkpoint row failed"},
    {"fenced", "write", "a newer cluster owner holds the target's checkpoint row"},
    {"config", "write", "the sink's options are invalid"},
};
static_assert(std::size(kEntries) == static_cast<size_t>(errc::config) + 1, "one row per errc");

constexpr error_category kCategory{"postgres", kEntries, std::size(kEntries)};

}  // namespace

error_code make_error_code(errc e) { return {static_cast<int>(e), kCategory}; }

}  // namespace sluice::operators::postgres
