// Option spec of the `generate` source, declared as data and bound to GenerateOptions.
#pragma once
#include <cstdint>
#include <optional>

#include "operators/common/spec_builder.h"

namespace sluice::operators::generate {

struct GenerateOptions {
  std::optional<int64_t> count;  // unbounded when absent
  std::optional<int64_t> rate;   // per second; as fast as possible when absent
  int64_t seed = 42;
};

const BoundSpec<GenerateOptions>& bound_source_spec();

}  // namespace sluice::operators::generate
