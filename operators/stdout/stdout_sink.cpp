#include "operators/stdout/stdout_sink.h"

#include "base/event_codec.h"
#include "operators/common/stage_options.h"

namespace sluice::operators::stdout_sink {

result<std::unique_ptr<Sink>> StdoutSink::make(const StageConfig& cfg) {
  return std::unique_ptr<Sink>(
      new StdoutSink(cfg.option_string("format", "jsonl") == "table", stdout));
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
