// Percent-encoding of URL parts (RFC 3986 2.1): what the HTTP clients put in paths and queries
// (the schema registry's subjects, S3 keys and their SigV4 canonical form, the control API's
// pipeline names and file paths).
#pragma once
#include <string>
#include <string_view>

namespace sluice {

// `s` with every byte but the unreserved characters (A-Z a-z 0-9 - _ . ~) and those in `keep`
// as %XX (upper-case hex, as SigV4 requires).
std::string percent_encode(std::string_view s, std::string_view keep = {});

}  // namespace sluice
