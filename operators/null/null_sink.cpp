#include "operators/null/null_sink.h"

namespace sluice::operators::null_sink {

result<std::unique_ptr<Sink>> NullSink::make(const StageConfig& /*cfg*/) {
  return std::unique_ptr<Sink>(new NullSink());
}

}  // namespace sluice::operators::null_sink
