// A cluster worker: the child process (`sluice node-worker`) a node starts for each pipeline it
// owns. It runs that one pipeline of the deployed file with its checkpoints in the shared
// state store (PgCheckpointBackend, fenced by the assignment epoch), reports its status to
// sluice_cluster.pipeline_status every second, and drains + checkpoints on SIGTERM. The node
// starts it with PR_SET_PDEATHSIG, so it dies with the node (kill -9).
#pragma once
#include <cstdint>
#include <string>

namespace sluice::cluster {

struct WorkerOptions {
  std::string state_url;
  std::string node;
  std::string pipeline;
  std::string instance;   // assignment key: pipeline, or "pipeline#i" for spread instances
  std::string file;       // the deployed text, written by the node
  std::string state_dir;  // node-local: <work_dir>/state (files the operators may keep)
  // Hot reload: on SIGHUP the worker reads "VERSION\nPATH\n" from this file and reloads its
  // pipeline from PATH in place (engine::Reloader); when that fails it drains, checkpoints and
  // exits with kExitReload so the node starts the new version from the checkpoint.
  std::string control;
  int64_t epoch = 0;
  int64_t version = 0;
};

constexpr int kExitReload = 4;

// Returns the process exit code (0 drained/completed, 1 invalid, 3 failed, 4 reload by
// restart).
int run_worker(const WorkerOptions& o);

}  // namespace sluice::cluster
