#include "cluster/peer_waker.h"

#include <caf/all.hpp>

#include "cluster/cluster_messages.h"

namespace sluice::cluster {

PeerWaker::PeerWaker(caf::actor_system& sys, const ClusterTls& tls, std::string self_id)
    : sys_(sys), tls_(tls), self_id_(std::move(self_id)), thread_([this] { loop(); }) {}

PeerWaker::~PeerWaker() { stop(); }

void PeerWaker::wake(const std::vector<NodeRow>& nodes) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    nodes_ = nodes;
    pending_ = true;
  }
  cv_.notify_all();
}

void PeerWaker::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    quit_ = true;
  }
  cv_.notify_all();
  thread_.join();
  peers_.clear();
}

void PeerWaker::loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return pending_ || quit_; });
    if (!pending_) return;  // quit, nothing left to send
    std::vector<NodeRow> nodes = std::move(nodes_);
    pending_ = false;
    lock.unlock();
    send(nodes);
    lock.lock();
  }
}

void PeerWaker::send(const std::vector<NodeRow>& nodes) {
  for (const auto& n : nodes) {
    if (!n.live || n.id == self_id_) continue;
    // A node restarted on the same address is another actor: key by pid too.
    const std::string key = n.address + "/" + std::to_string(n.pid);
    auto it = peers_.find(key);
    if (it == peers_.end()) {
      auto [host, port] = split_address(n.address);
      if (port == 0) continue;
      auto peer = connect_node(sys_, tls_, host, port);
      if (!peer.ok()) continue;
      it = peers_.emplace(key, std::make_unique<caf::actor>(*peer)).first;
    }
    caf::anon_send(*it->second, wake_atom::value);
  }
}

}  // namespace sluice::cluster
