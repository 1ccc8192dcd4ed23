#include "operators/mysql/errc.h"

#include <iterator>

namespace sluice::operators::mysql {

namespace {

// One row per errc, in its order: name, dead-letter kind, message.
constexpr error_entry kEntries[] = {
    {"connect", "source", "cannot connect to the MySQL server"},
    {"auth", "source", "the MySQL server refused the credentials"},
    {"config", "source", "the server's configuration does not allow binlog CDC"},
    {"binlog_read", "source", "reading the binlog stream failed"},
    {"decode", "decode", "a binlog event could not be decoded"},
    {"schema", "decode", "a table's schema is unknown or does not match the row"},
    {"snapshot", "source", "the initial snapshot of a table failed"},
    {"position_lost", "source", "the checkpointed binlog position is no longer on the server"},
    {"state", "source", "the checkpointed source state is malformed"},
};
static_assert(std::size(kEntries) == static_cast<size_t>(errc::state) + 1, "one row per errc");

constexpr error_category kCategory{"mysql", kEntries, std::size(kEntries)};

}  // namespace

error_code make_error_code(errc e) { return {static_cast<int>(e), kCategory}; }

}  // namespace sluice::operators::mysql
