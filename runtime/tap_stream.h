// One `GET /pipelines/{name}/stages/{stage}/tap` answer: attaches to the stage's tap for its
// lifetime and yields the sampled records as JSON lines (the event form of
// base/event_codec.h). Follows the stage across a hot reload (new counters); ends after
// `limit` records (0 = no limit), when the pipeline finished or lost the stage, and writes an
// empty line after a second without records (so a gone client is noticed).
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "engine/actors/live_registry.h"

namespace sluice::runtime {

class TapStream {
 public:
  TapStream(std::shared_ptr<engine::LiveRegistry> live, std::string pipeline, std::string stage,
            uint64_t limit);
  ~TapStream();
  TapStream(const TapStream&) = delete;
  TapStream& operator=(const TapStream&) = delete;

  // Appends the next lines to `chunk` (waits up to ~200ms for records); false at the end.
  bool next(std::string& chunk);

 private:
  void attach(std::shared_ptr<engine::StageCounters> counters);
  // False when the pipeline finished or no longer has the stage; re-attaches after a reload.
  bool still_running();

  std::shared_ptr<engine::LiveRegistry> live_;
  std::string pipeline_;
  std::string stage_;
  uint64_t left_;
  std::shared_ptr<engine::StageCounters> counters_;
  uint64_t cursor_ = 0;
  int64_t last_write_us_ = 0;
};

}  // namespace sluice::runtime
