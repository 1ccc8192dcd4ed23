// Test failpoint: SLUICE_FAILPOINT="STAGE:N" makes stage STAGE throw std::runtime_error once
// per process, when its Nth record arrives (counted over all its instances).
#pragma once
#include <cstddef>
#include <string>

namespace sluice::engine::failpoint {

// Called with each batch of `records` arriving at `stage`; throws when the failpoint fires.
void check(const std::string& stage, size_t records);
// Re-reads SLUICE_FAILPOINT and re-arms it (tests).
void reset();

}  // namespace sluice::engine::failpoint
