// Wake-ups from one node to the others (after a deploy, an assignment, a hand-over), sent from
// a thread of their own since a connect may block. Connections to the node actors are kept,
// keyed by address and pid (a node restarted on the same address is another actor).
#pragma once
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cluster/cluster_transport.h"
#include "cluster/state_store.h"

namespace sluice::cluster {

class PeerWaker {
 public:
  // self_id: this node's id (never woken); sys and tls outlive the waker.
  PeerWaker(caf::actor_system& sys, const ClusterTls& tls, std::string self_id);
  ~PeerWaker();
  PeerWaker(const PeerWaker&) = delete;
  PeerWaker& operator=(const PeerWaker&) = delete;

  // Wakes the live nodes among `nodes` (the latest call wins over one not yet sent).
  void wake(const std::vector<NodeRow>& nodes);
  // Sends what is pending, then ends the thread and drops the connections.
  void stop();

 private:
  void loop();
  void send(const std::vector<NodeRow>& nodes);

  caf::actor_system& sys_;
  const ClusterTls& tls_;
  const std::string self_id_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<NodeRow> nodes_;
  bool pending_ = false;
  bool quit_ = false;
  std::map<std::string, std::unique_ptr<caf::actor>> peers_;  // "address/pid" -> node actor
  std::thread thread_;
};

}  // namespace sluice::cluster
