// The API the CLI calls: runs every pipeline of a checked file on a CAF actor system.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dsl/ast.h"
#include "engine/core/operator.h"

namespace sluice::engine {

class LiveRegistry;
class Reloader;

struct RunOptions {
  std::string state_dir;           // overrides settings.state_dir: <state_dir>/<pipeline>
  int64_t exit_when_idle_us = -1;  // < 0: off
  bool quiet = false;              // no info logs from the engine
  int threads = 0;                 // CAF scheduler threads; 0 = max(2, hardware_concurrency)
  // When set, every pipeline is registered here with its live counters and status (metrics,
  // management API); entries stay valid after run() returns.
  std::shared_ptr<LiveRegistry> live;
  // When set, other threads hot-reload the running pipelines through it (`run --watch`, the
  // control endpoint): see engine/actors/reloader.h and docs/engine.md "Hot reload".
  std::shared_ptr<Reloader> reloader;
  // `sluice run`: each pipeline's state directory is locked for this process
  // (state_dir_lock.h); a second process on it fails that pipeline with a clear message.
  bool lock_state_dirs = false;
  // A cluster worker's assignment epoch, handed to every stage (StageConfig::epoch): sinks
  // that keep a checkpoint row in their target refuse to write once a newer epoch holds it.
  // 0 (`sluice run`): no fencing.
  int64_t epoch = 0;
};

struct StageStats {
  std::string pipeline, stage;
  uint64_t in = 0, out = 0, dead = 0, retries = 0, restarts = 0, errors = 0;
};

struct RunResult {
  int exit_code = 0;  // 0 ok (completed, stopped, idle), 3 a pipeline failed
  std::vector<StageStats> stats;
  std::vector<std::string> failures;  // one clear reason per failed pipeline
};

// Starts every pipeline of `file` and returns when all completed (bounded sources done),
// stop was requested (drain + final checkpoint, exit 0), exit_when_idle elapsed with no record
// moving (final checkpoint, exit 0), or pipelines failed (exit 3; other pipelines keep running
// until they finish).
RunResult run(const ast::File& file, const OperatorRegistry& reg, const RunOptions& opts);

// Async-signal-safe: sets an atomic flag that run() polls. SIGINT/SIGTERM handlers call it.
void request_stop();

}  // namespace sluice::engine
