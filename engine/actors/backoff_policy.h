// Retry / restart delays: exponential(MIN, MAX) doubles from MIN up to MAX; fixed(D) waits D.
#pragma once
#include <cstdint>

#include "base/value.h"

namespace sluice::engine {

struct BackoffPolicy {
  bool exponential = true;
  int64_t min_us = 100'000;     // 100ms
  int64_t max_us = 10'000'000;  // 10s

  // Delay before retry number `attempt` (1 = first retry).
  int64_t delay_us(int attempt) const;
  // Reads the Object {kind, min, max} made by config_builder; `def` when v is null/other.
  static BackoffPolicy from_value(const Value* v, BackoffPolicy def);
  static BackoffPolicy from_value(const Value* v);
  Value to_value() const;
};

}  // namespace sluice::engine
