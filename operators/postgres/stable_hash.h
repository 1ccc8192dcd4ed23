// A hash that is the same in every run and on every machine (FNV-1a, 32 bits), whatever the
// standard library's hash does: key routing to connections (the replay filter relies on it)
// and the suffix of shortened identifiers (sql_text.h, pg_identifier) depend on it.
#pragma once
#include <cstdint>
#include <string_view>

namespace sluice::operators::postgres {

inline uint32_t stable_hash(std::string_view bytes) {
  uint32_t h = 2166136261u;
  for (unsigned char c : bytes) h = (h ^ c) * 16777619u;
  return h;
}

}  // namespace sluice::operators::postgres
