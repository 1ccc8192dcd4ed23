// Option spec of the `stdout` sink, declared as data and bound to StdoutOptions.
#pragma once
#include <cstdint>

#include "dsl/option_spec.h"
#include "engine/core/bound_spec.h"

namespace sluice::operators::stdout_sink {

// In the order of the format option's enum_values.
enum class Format : uint8_t { Jsonl, Table };

struct StdoutOptions {
  Format format = Format::Jsonl;
};

const BoundSpec<StdoutOptions>& bound_sink_spec();
dsl::KindSpec sink_spec();

}  // namespace sluice::operators::stdout_sink
