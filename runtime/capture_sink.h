// `sluice test`: the sink that stands in for every sink of a tested pipeline and receives the
// records leaving each stage named by an `expect`. Sinks are never opened by a test.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/core/operator.h"

namespace sluice::runtime {

// What the capture sinks of one test run received, by capture stage name.
class Captured {
 public:
  // Takes the events (moved from).
  void add(const std::string& stage, std::vector<Event>& events);
  std::vector<Event> take(const std::string& stage);

 private:
  std::mutex mu_;
  std::map<std::string, std::vector<Event>> by_stage_;
};

class CaptureSink : public Sink {
 public:
  CaptureSink(std::string stage, std::shared_ptr<Captured> into)
      : stage_(std::move(stage)), into_(std::move(into)) {}
  result<void> open(const std::string&) override { return {}; }
  result<void> write(std::vector<Event>& events, std::vector<Event>& dead) override;
  result<std::string> checkpoint(uint64_t) override { return std::string(); }

 private:
  std::string stage_;
  std::shared_ptr<Captured> into_;
};

}  // namespace sluice::runtime
