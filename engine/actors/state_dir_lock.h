// One `sluice run` per state directory: two processes writing the same checkpoints and offsets
// would corrupt each other's state. acquire() takes an exclusive flock on DIR/.lock (its pid
// written into it, the file created 0600) for as long as the returned handle lives; the kernel
// drops it when the process dies, so a kill -9 leaves nothing to clean up. Within one process
// the same directory may be acquired again (a hot reload of the pipeline): the handle is shared.
#pragma once
#include <memory>
#include <string>

#include "base/result.h"

namespace sluice::engine {

class StateDirLock {
 public:
  // A permanent error naming the other process when it holds DIR.
  static result<std::shared_ptr<StateDirLock>> acquire(const std::string& dir);
  ~StateDirLock();
  StateDirLock(const StateDirLock&) = delete;
  StateDirLock& operator=(const StateDirLock&) = delete;

 private:
  StateDirLock(std::string dir, int fd) : dir_(std::move(dir)), fd_(fd) {}
  std::string dir_;
  int fd_ = -1;
};

}  // namespace sluice::engine
