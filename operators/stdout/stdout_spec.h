// Option spec of the `stdout` sink, declared as data and bound to StdoutOptions.
#pragma once
#include <cstdint>

#include "operators/common/spec_builder.h"

namespace sluice::operators::stdout_sink {

// In the order of the format option's enum_values.
enum class Format : uint8_t { Jsonl, Table };

struct StdoutOptions {
  Format format = Format::Jsonl;
};

const BoundSpec<StdoutOptions>& bound_sink_spec();

}  // namespace sluice::operators::stdout_sink
