// The `batch` block of a sink that buffers events and writes them together (postgres,
// mongodb): rows, delay and adaptive, declared once with their bindings. A sink adds children
// of its own after these (postgres: pipelined).
#pragma once
#include <cstdint>
#include <string>

#include "operators/common/spec_builder.h"

namespace sluice::operators {

// rows_doc: what `rows` counts for this sink; rows_default and rows_max its default and bound.
// summary: the block's one-paragraph description.
OptionSpec batch_block(std::string summary, std::string rows_doc, std::string rows_default,
                       int64_t rows_max);

// Binds batch.rows, batch.delay and batch.adaptive to O's batch_rows, batch_delay_us and
// batch_adaptive.
template <class O>
void bind_batch_block(BoundSpec<O>& k) {
  k.bind({"batch", "rows"}, &O::batch_rows).bind({"batch", "delay"}, &O::batch_delay_us);
  k.bind({"batch", "adaptive"}, &O::batch_adaptive);
}

}  // namespace sluice::operators
