// SHA-256 (FIPS 180-4), small and dependency free.
#pragma once
#include <string>
#include <string_view>

namespace sluice::eval {

// Lowercase hex digest of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace sluice::eval
