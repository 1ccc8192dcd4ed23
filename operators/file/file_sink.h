// Sink `file` (DSL.md §10): appends one JSON object per line (event_codec); dead-letter events
// are written in the dead-letter form, so a `file` sink works as a DLQ.
//
// Exactly once: checkpoint(id) writes the buffer, fsyncs and returns the file length as the
// state; open(state) truncates the file to that length (creating it and its directories when
// missing; state "" truncates to 0, i.e. a new file). So after a crash, everything written
// after the last complete checkpoint is cut off and replayed by the sources.
// One instance per file: with parallelism > 1 give each instance its own path.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "engine/core/operator.h"

namespace sluice::operators::file {

class FileSink : public Sink {
 public:
  explicit FileSink(std::string path) : path_(std::move(path)) {}
  ~FileSink() override;
  static result<std::unique_ptr<Sink>> make(const StageConfig& cfg);

  result<void> open(const std::string& state) override;
  result<void> write(std::vector<Event>& events, std::vector<Event>& dead) override;
  result<std::string> checkpoint(uint64_t id) override;
  void close() override;

  uint64_t length() const { return length_ + buf_.size(); }

 private:
  result<void> flush();

  std::string path_;
  int fd_ = -1;
  uint64_t length_ = 0;  // bytes in the file (written, maybe not yet synced)
  std::string buf_;
};

}  // namespace sluice::operators::file
