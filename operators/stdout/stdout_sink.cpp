#include "operators/stdout/stdout_sink.h"

#include "base/event_codec.h"
#include "operators/stdout/stdout_spec.h"

namespace sluice::operators::stdout_sink {

result<std::unique_ptr<Sink>> StdoutSink::make(const StageConfig& cfg) {
  auto o = bound_sink_spec().read(cfg);
  if (!o.ok()) return o.err();
  return std::unique_ptr<Sink>(new StdoutSink(o->format == Format::Table, stdout));
}

result<void> StdoutSink::write(std::vector<Event>& events, std::vector<Event>& /*dead*/) {
  buf_.clear();
  if (table_) {
    formatter_.format(events, buf_);
  } else {
    for (const Event& e : events) event_codec::append_line(e, buf_);
  }
  if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), out_) != buf_.size()) {
    return error::fatal("stdout: write failed");
  }
  return {};
}

result<std::string> StdoutSink::checkpoint(uint64_t /*id*/) {
  std::fflush(out_);
  return std::string();
}

}  // namespace sluice::operators::stdout_sink
