// The libpq connection settings a sink relies on to notice a lost server in bounded time:
// connect_timeout=10 (s), keepalives=1 with keepalives_idle=30, keepalives_interval=10 and
// keepalives_count=3, tcp_user_timeout=60000 (ms), each added only when the user's conninfo
// (a postgresql:// URI or key=value pairs) does not set it. Parsed by libpq itself
// (PQconninfoParse); the result is key=value pairs. A string libpq cannot parse is returned
// unchanged (connecting then reports the error).
#pragma once
#include <string>

namespace sluice::operators::postgres {

std::string with_connection_defaults(const std::string& conninfo);

}  // namespace sluice::operators::postgres
