// One pipeline's hot reload: what the runner asks of a supervisor and what comes back.
// Shared between the runner thread, the supervisor actor and the thread waiting for the answer.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "dsl/ast.h"
#include "engine/actors/stage_counters.h"

namespace sluice::engine {

// The outcome of reloading one pipeline.
struct PipelineReload {
  std::string pipeline;
  // reloaded (graph swapped), unchanged (same definition), started (new pipeline), stopped
  // (removed from the file: drained, checkpointed), failed (the old graph keeps running).
  std::string action;
  bool ok = false;
  std::string error;
  int64_t pause_us = 0;     // sources paused: from the reload barrier to the resumed graph
  uint64_t checkpoint = 0;  // the checkpoint the swap was taken at
  std::vector<std::string> kept, replaced, added, removed;  // stage names
};

struct ReloadTicket {
  std::shared_ptr<const ast::File> file;  // keeps `pipeline` alive
  const ast::Pipeline* pipeline = nullptr;
  std::map<std::string, std::shared_ptr<StageCounters>> counters;  // for the new stages

  void complete(PipelineReload r) {
    std::lock_guard<std::mutex> lock(mu_);
    if (done_) return;
    result_ = std::move(r);
    done_ = true;
    cv_.notify_all();
  }
  bool done() const {
    std::lock_guard<std::mutex> lock(mu_);
    return done_;
  }
  // Waits at most `timeout_us`; false on timeout.
  bool wait(int64_t timeout_us) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::microseconds(timeout_us), [this] { return done_; });
  }
  PipelineReload result() const {
    std::lock_guard<std::mutex> lock(mu_);
    return result_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  PipelineReload result_;
};

}  // namespace sluice::engine
