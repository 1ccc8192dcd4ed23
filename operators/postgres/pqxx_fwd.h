// Forward declarations of the libpqxx types the PostgreSQL sink's headers name, so that they
// need not include <pqxx/pqxx>.
#pragma once

namespace pqxx {
class connection_base;
class transaction_base;
}  // namespace pqxx
