// A cluster node (`sluice node --listen HOST:PORT [--join HOST:PORT] --state URL`): publishes
// its node actor on HOST:PORT through CAF's middleman (NodeApi: deploy / undeploy / status
// requests from the CLI, join checks and wake-ups from other nodes), keeps a heartbeat row in
// the shared PostgreSQL state store, competes for the coordinator's advisory lock (the holder
// assigns pipelines, moves a dead node's pipelines to live nodes and rebalances), and runs
// the pipelines assigned to it as `sluice node-worker` child processes (WorkerSupervisor;
// docs/cluster.md).
#pragma once
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cluster/node_api.h"
#include "cluster/node_options.h"
#include "cluster/peer_waker.h"
#include "cluster/state_store.h"
#include "cluster/worker_supervisor.h"

namespace sluice::cluster {

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

  // Runs the loop now (any thread); broadcast: wake the other nodes too.
  void wake(bool broadcast = false);

 private:
  // Work directories, state store, actor system, published node actor, join: an exit code
  // when the node cannot start, else 0.
  int start();
  void leave();
  void tick();
  void coordinate(const std::vector<NodeRow>& nodes);
  void reconcile();
  void broadcast_wake(const std::vector<NodeRow>& nodes);
  void event(const std::string& pipeline, const std::string& message);
  bool join_peer();

  NodeOptions o_;
  StateStore store_;  // the loop thread's session (heartbeat, coordinator lock)
  NodeApi api_;
  WorkerSupervisor workers_;
  bool leading_ = false;
  std::chrono::steady_clock::time_point last_heartbeat_ok_;
  std::vector<NodeRow> last_nodes_;

  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  bool woken_ = false;
  bool broadcast_wanted_ = false;

  std::unique_ptr<caf::actor_system_config> cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  std::unique_ptr<PeerWaker> waker_;
  std::unique_ptr<caf::actor> self_;
};

}  // namespace sluice::cluster
