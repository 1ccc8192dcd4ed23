// The pipelines a node runs, as `sluice node-worker` child processes: started with the
// pipeline's file and assignment epoch, stopped (drain to a checkpoint, SIGTERM), hot reloaded
// (control file + SIGHUP), and reaped: a worker that ended by itself stays ended until a new
// version or epoch comes, a crashed one starts again shortly (docs/cluster.md).
#pragma once
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "cluster/node_options.h"
#include "cluster/state_store.h"

namespace sluice::cluster {

class WorkerSupervisor {
 public:
  // event: a line for the log and the state store's event table; wake: run the node's loop
  // now (a worker ended).
  using EventFn = std::function<void(const std::string& pipeline, const std::string& message)>;
  WorkerSupervisor(const NodeOptions& o, EventFn event, std::function<void()> wake);

  bool empty() const { return workers_.empty(); }
  bool running(const std::string& key) const { return workers_.count(key) != 0; }
  // false while the worker of this version and epoch ended by itself (completed or failed)
  // or a crashed one waits for its restart.
  bool may_start(const std::string& key, int64_t version, int64_t epoch) const;
  void start(const std::string& key, const PipelineRow& p, int64_t epoch);
  // Stops the running workers that lost their assignment (mine, by instance key) or whose
  // pipeline is gone, reloads those whose pipeline has a new version.
  void follow(const std::map<std::string, AssignmentRow>& mine,
              const std::map<std::string, PipelineRow>& pipelines);
  void stop_all(const std::string& why);
  void kill_all();
  // Collects the workers that ended.
  void reap();

 private:
  struct Worker {
    pid_t pid = -1;
    int64_t version = 0;
    int64_t epoch = 0;
    bool stopping = false;
    std::string why;  // why it is stopping
    std::chrono::steady_clock::time_point stop_sent;
  };
  void stop(const std::string& name, Worker& w, const std::string& why);
  void reload(const std::string& name, Worker& w, const PipelineRow& p);
  void ended(const std::string& name, const Worker& w, int status);
  std::string control_path(const std::string& key) const;
  std::string write_pipeline_file(const std::string& key, const PipelineRow& p);

  const NodeOptions& o_;
  EventFn event_;
  std::function<void()> wake_;
  std::map<std::string, Worker> workers_;
  // pipeline -> {version, epoch} of the worker that ended by itself (completed or failed): not
  // started again until a new version is deployed or the pipeline is assigned anew (a newer
  // epoch; e.g. a worker fenced out after a failover gets it back later).
  std::map<std::string, std::pair<int64_t, int64_t>> finished_;
  std::map<std::string, std::chrono::steady_clock::time_point> restart_at_;
};

}  // namespace sluice::cluster
