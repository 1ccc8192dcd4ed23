// A cluster node (`sluice node --listen HOST:PORT [--join HOST:PORT] --state URL`): publishes
// its node actor on HOST:PORT through CAF's middleman (deploy / undeploy / status requests
// from the CLI, join checks and wake-ups from other nodes), keeps a heartbeat row in the
// shared PostgreSQL state store, competes for the coordinator's advisory lock (the holder
// assigns pipelines, moves a dead node's pipelines to live nodes and rebalances), and runs
// the pipelines assigned to it as `sluice node-worker` child processes (docs/cluster.md).
#pragma once
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cluster/cluster_transport.h"
#include "cluster/state_store.h"

namespace caf {
class actor_system;
class actor_system_config;
class actor;
}  // namespace caf

namespace sluice::cluster {

struct NodeOptions {
  std::string listen;       // HOST:PORT, also the node's id
  std::string join;         // HOST:PORT of a running node ("" = none)
  std::string state_url;    // libpq URI of the state store
  std::string work_dir;     // node-local files (pipeline texts, operator state)
  std::string exe;          // the sluice executable (workers run `EXE node-worker ...`)
  double dead_after = 3.0;  // seconds without a heartbeat before a node counts as dead
  int tick_ms = 500;        // heartbeat / coordination period
  ClusterTls tls;           // cluster CA and this node's certificate (empty = plain text)
};

class Node {
 public:
  explicit Node(NodeOptions o);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Runs until request_stop(); then stops its workers (drain + checkpoint), gives up its
  // pipelines and leaves. Returns the exit code.
  int run();
  // Async-signal-safe.
  static void request_stop();

  // Handlers of the node actor (any CAF thread).
  std::string handle_deploy(const std::string& path, const std::string& text, int64_t instances);
  std::string handle_undeploy(const std::string& name);
  std::string handle_status();
  std::string handle_join(const std::string& who);
  void wake(bool broadcast = false);

 private:
  struct Worker {
    pid_t pid = -1;
    int64_t version = 0;
    int64_t epoch = 0;
    bool stopping = false;
    std::string why;  // why it is stopping
    std::chrono::steady_clock::time_point stop_sent;
  };
  void tick();
  void coordinate(const std::vector<NodeRow>& nodes);
  void reconcile();
  void reap();
  void start_worker(const std::string& key, const PipelineRow& p, int64_t epoch);
  void stop_worker(const std::string& name, Worker& w, const std::string& why);
  void reload_worker(const std::string& name, Worker& w, const PipelineRow& p);
  std::string control_path(const std::string& key) const;
  std::string write_pipeline_file(const std::string& key, const PipelineRow& p);
  void broadcast_wake(const std::vector<NodeRow>& nodes);
  void event(const std::string& pipeline, const std::string& message);
  bool join_peer();

  NodeOptions o_;
  StateStore store_;  // the loop thread's session (heartbeat, coordinator lock)
  std::mutex api_mu_;
  StateStore api_store_;  // the node actor's session
  std::map<std::string, Worker> workers_;
  // pipeline -> {version, epoch} of the worker that ended by itself (completed or failed): not
  // started again until a new version is deployed or the pipeline is assigned anew (a newer
  // epoch; e.g. a worker fenced out after a failover gets it back later).
  std::map<std::string, std::pair<int64_t, int64_t>> finished_;
  std::map<std::string, std::chrono::steady_clock::time_point> restart_at_;
  bool leading_ = false;
  std::chrono::steady_clock::time_point last_heartbeat_ok_;
  std::vector<NodeRow> last_nodes_;

  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  bool woken_ = false;
  bool broadcast_wanted_ = false;

  std::unique_ptr<caf::actor_system_config> cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  // Wake-ups to other nodes go through their own thread (a connect may block).
  void waker_loop();
  std::thread waker_;
  std::mutex waker_mu_;
  std::condition_variable waker_cv_;
  std::vector<NodeRow> waker_nodes_;
  bool waker_pending_ = false;
  bool waker_quit_ = false;
  std::map<std::string, std::unique_ptr<caf::actor>> peers_;  // "address/pid" -> node actor
  std::unique_ptr<caf::actor> self_;
};

}  // namespace sluice::cluster
