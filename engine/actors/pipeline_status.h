// What a pipeline supervisor reports to the runner (shared, guarded by a mutex).
#pragma once
#include <mutex>
#include <string>

namespace sluice::engine {

struct PipelineStatus {
  std::mutex mu;
  bool finished = false;  // completed, stopped or failed: the supervisor is gone
  bool failed = false;
  std::string reason;
  uint64_t restarts = 0;
  bool restarting = false;  // failed; the restart is waited for (last_error says why)
  std::string last_error;
  uint64_t last_checkpoint = 0;
  int64_t last_checkpoint_at = 0;  // wall clock micros UTC when it was written (0 = none)
  int64_t started_at = 0;          // wall clock micros UTC when the pipeline started
};

}  // namespace sluice::engine
