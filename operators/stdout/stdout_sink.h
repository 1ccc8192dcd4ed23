// Sink `stdout`: format jsonl (the file sink's encoding, DSL.md §10) or table (aligned
// columns, see TableFormatter). checkpoint flushes the stream.
#pragma once
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/operator.h"
#include "operators/stdout/table_formatter.h"

namespace sluice::operators::stdout_sink {

class StdoutSink : public Sink {
 public:
  StdoutSink(bool table, std::FILE* out) : table_(table), out_(out) {}
  static result<std::unique_ptr<Sink>> make(const StageConfig& cfg);

  result<void> open(const std::string& /*state*/) override { return {}; }
  result<void> write(std::vector<Event>& events, std::vector<Event>& dead) override;
  result<std::string> checkpoint(uint64_t id) override;
  void close() override { std::fflush(out_); }

 private:
  bool table_;
  std::FILE* out_;
  std::string buf_;
  TableFormatter formatter_;
};

}  // namespace sluice::operators::stdout_sink
