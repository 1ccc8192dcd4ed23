#include "cluster/node.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <filesystem>
#include <set>

#include "base/logger.h"
#include "cluster/assignment_plan.h"
#include "cluster/cluster_messages.h"

namespace sluice::cluster {
namespace {

std::atomic<bool> g_stop{false};

}  // namespace

void Node::request_stop() { g_stop.store(true); }

Node::Node(NodeOptions o)
    : o_(std::move(o)),
      store_(o_.state_url),
      api_(o_, [this](bool broadcast) { wake(broadcast); }),
      workers_(
          o_, [this](const std::string& p, const std::string& m) { event(p, m); },
          [this] { wake(false); }) {}

Node::~Node() = default;

void Node::wake(bool broadcast) {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    woken_ = true;
    broadcast_wanted_ = broadcast_wanted_ || broadcast;
  }
  wake_cv_.notify_all();
}

void Node::event(const std::string& pipeline, const std::string& message) {
  log::info("cluster", (pipeline.empty() ? "" : pipeline + ": ") + message);
  (void)store_.log_event(o_.listen, pipeline, message);
}

bool Node::join_peer() {
  auto [host, port] = split_address(o_.join);
  if (port == 0) {
    log::error("cluster", "--join expects HOST:PORT, not '" + o_.join + "'");
    return false;
  }
  auto mine = store_.identity();
  if (!mine.ok()) {
    log::error("cluster", mine.err().message);
    return false;
  }
  std::string failure;
  for (int attempt = 0; attempt < 20; ++attempt) {
    auto peer = connect_node(*sys_, o_.tls, host, port);
    if (!peer.ok()) {
      failure = peer.err().message;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      continue;
    }
    std::string reply;
    caf::scoped_actor self{*sys_};
    self->request(*peer, std::chrono::seconds(10), join_atom::value, o_.listen)
        .receive([&](const std::string& r) { reply = r; },
                 [&](caf::error& e) { failure = sys_->render(e); });
    if (reply.empty()) continue;
    auto [code, text] = parse_reply(reply);
    if (code != 0 || text != *mine) {
      log::error("cluster", "node " + o_.join + " uses another state store (" + text +
                                "); this node uses " + *mine);
      return false;
    }
    log::info("cluster", "joined the cluster through " + o_.join);
    return true;
  }
  log::error("cluster", "cannot join " + o_.join + ": " + failure);
  return false;
}

int Node::start() {
  std::error_code ec;
  std::filesystem::create_directories(o_.work_dir + "/pipelines", ec);
  std::filesystem::create_directories(o_.work_dir + "/state", ec);
  if (ec) {
    log::error("cluster", "cannot create " + o_.work_dir + ": " + ec.message());
    return 3;
  }
  auto [host, port] = split_address(o_.listen);
  if (port == 0) {
    log::error("cluster", "--listen expects HOST:PORT, not '" + o_.listen + "'");
    return 2;
  }
  if (auto c = store_.connect(); !c.ok()) {
    log::error("cluster", c.err().message);
    return 3;
  }
  cfg_ = std::make_unique<caf::actor_system_config>();
  configure_transport(*cfg_, o_.tls);
  sys_ = std::make_unique<caf::actor_system>(*cfg_);
  self_ = std::make_unique<caf::actor>(sys_->spawn(NodeApi::actor, &api_));
  auto published = publish_node(*sys_, o_.tls, *self_, host, port);
  if (!published.ok()) {
    log::error("cluster", "cannot listen on " + o_.listen + ": " + published.err().message);
    caf::anon_send_exit(*self_, caf::exit_reason::user_shutdown);
    return 3;
  }
  if (!o_.join.empty() && !join_peer()) {
    caf::anon_send_exit(*self_, caf::exit_reason::user_shutdown);
    return 3;
  }
  return 0;
}

int Node::run() {
  if (int code = start(); code != 0) return code;
  waker_ = std::make_unique<PeerWaker>(*sys_, o_.tls, o_.listen);
  last_heartbeat_ok_ = std::chrono::steady_clock::now();
  event("", "node " + o_.listen + " started (pid " + std::to_string(::getpid()) + ", " +
                (o_.tls.enabled() ? "TLS with the cluster CA" : "plain text transport") + ")");
  while (!g_stop.load()) {
    tick();
    std::unique_lock<std::mutex> lock(wake_mu_);
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(o_.tick_ms);
    while (!woken_ && !g_stop.load() && std::chrono::steady_clock::now() < until) {
      wake_cv_.wait_for(lock, std::chrono::milliseconds(50));
    }
    woken_ = false;
  }
  leave();
  return 0;
}

// Leave: drain every worker (their last checkpoint is written under our epoch), then give
// the pipelines up so the coordinator reassigns them at once.
void Node::leave() {
  workers_.stop_all("node stopping");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!workers_.empty() && std::chrono::steady_clock::now() < deadline) {
    workers_.reap();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  workers_.kill_all();
  workers_.reap();
  (void)store_.release_all(o_.listen);
  event("", "node " + o_.listen + " left");
  (void)store_.forget_node(o_.listen);
  broadcast_wake(last_nodes_);
  waker_->stop();
  store_.disconnect();
  caf::anon_send_exit(*self_, caf::exit_reason::user_shutdown);
  waker_.reset();
  self_.reset();
}

void Node::tick() {
  const auto now = std::chrono::steady_clock::now();
  auto hb = store_.heartbeat(o_.listen, o_.listen, ::getpid());
  if (!hb.ok()) {
    leading_ = false;
    log::warn("cluster", "heartbeat failed: " + hb.err().message);
    // Without the state store for longer than a node may stay silent, our pipelines are
    // being given to others: stop them (their checkpoints would be refused anyway).
    if (now - last_heartbeat_ok_ >
        std::chrono::milliseconds(static_cast<int64_t>(o_.dead_after * 1000))) {
      workers_.stop_all("state store unreachable");
    }
    workers_.reap();
    return;
  }
  last_heartbeat_ok_ = now;
  auto nodes = store_.nodes(o_.dead_after);
  if (nodes.ok()) last_nodes_ = *nodes;
  auto lead = store_.try_lead();
  if (lead.ok()) {
    if (*lead && !leading_) event("", "node " + o_.listen + " is the coordinator");
    leading_ = *lead;
  }
  if (leading_ && nodes.ok()) coordinate(*nodes);
  workers_.reap();
  reconcile();
  bool broadcast = false;
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    std::swap(broadcast, broadcast_wanted_);
  }
  if (broadcast) broadcast_wake(last_nodes_);
}

void Node::coordinate(const std::vector<NodeRow>& nodes) {
  auto ps = store_.pipelines();
  auto as = store_.assignments();
  if (!ps.ok() || !as.ok()) return;
  std::set<std::string> live;
  for (const auto& n : nodes) {
    if (n.live) live.insert(n.id);
  }
  std::vector<std::string> names;
  for (const auto& p : *ps) {
    for (auto& k : instance_keys(p)) names.push_back(std::move(k));
  }
  auto plan = plan_assignments(names, *as, live);
  if (plan.empty()) return;
  std::map<std::string, std::string> owner;
  for (const auto& a : *as) owner[a.pipeline] = a.node;
  for (const auto& p : plan.drop) {
    if (store_.drop_assignment(p).ok()) event(p, "undeployed: assignment dropped");
  }
  for (const auto& [p, n] : plan.assign) {
    if (!store_.assign(p, n).ok()) continue;
    const std::string& was = owner[p];
    event(p, was.empty() ? "assigned to " + n : "owner " + was + " is gone: reassigned to " + n);
  }
  if (plan.move) {
    if (store_.request_move(plan.move->first, plan.move->second).ok()) {
      event(plan.move->first,
            "rebalancing: moving from " + owner[plan.move->first] + " to " + plan.move->second);
    }
  }
  broadcast_wake(nodes);
}

void Node::reconcile() {
  auto ps = store_.pipelines();
  auto as = store_.assignments();
  if (!ps.ok() || !as.ok()) return;
  // By instance key ("name" or "name#i").
  std::map<std::string, PipelineRow> pipelines;
  for (auto& p : *ps) {
    for (const auto& k : instance_keys(p)) pipelines[k] = p;
  }
  std::map<std::string, AssignmentRow> mine;
  for (const auto& a : *as) {
    if (a.node == o_.listen) mine[a.pipeline] = a;
  }
  workers_.follow(mine, pipelines);  // running workers that must stop or reload
  // Assigned pipelines without a worker.
  bool handed = false;
  for (const auto& [name, a] : mine) {
    if (workers_.running(name)) continue;
    auto p = pipelines.find(name);
    if (p == pipelines.end()) continue;
    if (!a.move_to.empty()) {
      auto h = store_.hand_over(name, o_.listen);
      if (h.ok() && *h) {
        event(name, "handed over to " + a.move_to);
        handed = true;
      }
      continue;
    }
    if (workers_.may_start(name, p->second.version, a.epoch)) {
      workers_.start(name, p->second, a.epoch);
    }
  }
  if (handed) broadcast_wake(last_nodes_);
}

void Node::broadcast_wake(const std::vector<NodeRow>& nodes) {
  if (waker_) waker_->wake(nodes);
}

}  // namespace sluice::cluster
