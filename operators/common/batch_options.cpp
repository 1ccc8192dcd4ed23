#include "operators/common/batch_options.h"

#include <utility>

namespace sluice::operators {

OptionSpec batch_block(std::string summary, std::string rows_doc, std::string rows_default,
                       int64_t rows_max) {
  OptionSpec batch = option("batch", OptType::Block, "", std::move(summary));
  OptionSpec rows = option("rows", OptType::Int, std::move(rows_default), std::move(rows_doc));
  rows.min = 1;
  rows.max = rows_max;
  OptionSpec delay = option("delay", OptType::Duration, "100ms", "Most time events wait buffered.");
  delay.min = 0;
  OptionSpec adaptive = option("adaptive", OptType::Bool, "true",
                               "Write as soon as no more events are waiting for the sink, so "
                               "at low load a change waits for one write, not for `delay`; "
                               "under load batches still grow up to `rows`. false: wait for "
                               "`rows` or `delay`.");
  batch.children = {std::move(rows), std::move(delay), std::move(adaptive)};
  return batch;
}

}  // namespace sluice::operators
