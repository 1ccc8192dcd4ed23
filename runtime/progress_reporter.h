// Progress of bounded reads (a counted generate, a MySQL snapshot — any Source that
// implements progress()) while `sluice run` works: a redrawn bar on a TTY, a plain line every
// `interval` otherwise. Reads the live registry from its own thread.
#pragma once
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "engine/actors/live_registry.h"

namespace sluice::runtime {

class ProgressReporter {
 public:
  ProgressReporter(std::shared_ptr<engine::LiveRegistry> live, std::FILE* out, bool tty,
                   int64_t interval_us);
  ~ProgressReporter();
  void start();
  void stop();
  // One rendering of every source with a known total ("" when there is none). With `reported`,
  // a source whose read is complete is shown once (then added to the set) and skipped after.
  std::string line(bool bar, double elapsed_s, std::set<std::string>* reported = nullptr) const;

 private:
  void loop();

  std::shared_ptr<engine::LiveRegistry> live_;
  std::FILE* out_;
  bool tty_;
  int64_t interval_us_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace sluice::runtime
