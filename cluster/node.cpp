#include "cluster/node.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "base/logger.h"
#include "cluster/assignment_plan.h"
#include "cluster/cluster_messages.h"
#include "cluster/pipeline_split.h"
#include "cluster/worker.h"
#include "dsl/loader.h"
#include "operators/registry.h"

namespace sluice::cluster {
namespace {

std::atomic<bool> g_stop{false};

caf::behavior node_actor(caf::event_based_actor*, Node* node) {
  return {
      [node](deploy_atom, const std::string& path, const std::string& text, int64_t instances) {
        return node->handle_deploy(path, text, instances);
      },
      [node](undeploy_atom, const std::string& name) { return node->handle_undeploy(name); },
      [node](status_atom) { return node->handle_status(); },
      [node](join_atom, const std::string& who) { return node->handle_join(who); },
      [node](wake_atom) { node->wake(false); },
  };
}

std::string fmt_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", s);
  return buf;
}

std::string human(int64_t n) {
  char buf[32];
  if (n >= 10'000'000) {
    std::snprintf(buf, sizeof buf, "%.1fM", static_cast<double>(n) / 1e6);
  } else if (n >= 100'000) {
    std::snprintf(buf, sizeof buf, "%.1fk", static_cast<double>(n) / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(n));
  }
  return buf;
}

std::string safe_name(std::string s) {
  for (char& c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') c = '_';
  }
  return s;
}

}  // namespace

void Node::request_stop() { g_stop.store(true); }

Node::Node(NodeOptions o) : o_(std::move(o)), store_(o_.state_url), api_store_(o_.state_url) {}

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

int Node::run() {
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
  self_ = std::make_unique<caf::actor>(sys_->spawn(node_actor, this));
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
  waker_ = std::thread([this] { waker_loop(); });
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
  // Leave: drain every worker (their last checkpoint is written under our epoch), then give
  // the pipelines up so the coordinator reassigns them at once.
  for (auto& [name, w] : workers_) {
    if (!w.stopping) stop_worker(name, w, "node stopping");
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!workers_.empty() && std::chrono::steady_clock::now() < deadline) {
    reap();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (auto& [name, w] : workers_) ::kill(w.pid, SIGKILL);
  reap();
  (void)store_.release_all(o_.listen);
  event("", "node " + o_.listen + " left");
  (void)store_.forget_node(o_.listen);
  broadcast_wake(last_nodes_);
  {
    std::lock_guard<std::mutex> lock(waker_mu_);
    waker_quit_ = true;
  }
  waker_cv_.notify_all();
  waker_.join();
  store_.disconnect();
  caf::anon_send_exit(*self_, caf::exit_reason::user_shutdown);
  peers_.clear();
  self_.reset();
  return 0;
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
      for (auto& [name, w] : workers_) {
        if (!w.stopping) stop_worker(name, w, "state store unreachable");
      }
    }
    reap();
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
  reap();
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
  // Running workers that must stop or reload.
  for (auto& [name, w] : workers_) {
    if (w.stopping) continue;
    auto a = mine.find(name);
    auto p = pipelines.find(name);
    if (a == mine.end() || p == pipelines.end()) {
      stop_worker(name, w, p == pipelines.end() ? "undeployed" : "assigned elsewhere");
    } else if (a->second.epoch != w.epoch) {
      stop_worker(name, w, "assignment changed");
    } else if (!a->second.move_to.empty()) {
      stop_worker(name, w, "handing over to " + a->second.move_to);
    } else if (p->second.version != w.version) {
      reload_worker(name, w, p->second);
    }
  }
  // Assigned pipelines without a worker.
  bool handed = false;
  for (const auto& [name, a] : mine) {
    if (workers_.count(name)) continue;
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
    if (auto f = finished_.find(name);
        f != finished_.end() && f->second == std::make_pair(p->second.version, a.epoch)) {
      continue;  // completed or failed: stays so until it is deployed again
    }
    if (auto r = restart_at_.find(name);
        r != restart_at_.end() && std::chrono::steady_clock::now() < r->second) {
      continue;
    }
    start_worker(name, p->second, a.epoch);
  }
  if (handed) broadcast_wake(last_nodes_);
}

void Node::start_worker(const std::string& key, const PipelineRow& p, int64_t epoch) {
  const std::string file = write_pipeline_file(key, p);
  if (file.empty()) return;
  std::vector<std::string> args = {o_.exe,        "node-worker",
                                   "--node",      o_.listen,
                                   "--pipeline",  p.name,
                                   "--instance",  key,
                                   "--epoch",     std::to_string(epoch),
                                   "--version",   std::to_string(p.version),
                                   "--file",      file,
                                   "--control",   control_path(key),
                                   "--state-dir", o_.work_dir + "/state/" + safe_name(key)};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    log::error("cluster", key + ": fork failed");
    return;
  }
  if (pid == 0) {
    // Dies with the node (kill -9 included): no orphan keeps writing.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(3);
    // Not the node's sockets (listener, state-store session): only stdio.
    ::close_range(3, ~0U, 0);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  Worker w;
  w.pid = pid;
  w.version = p.version;
  w.epoch = epoch;
  workers_[key] = w;
  event(key, "started version " + std::to_string(p.version) + " (epoch " + std::to_string(epoch) +
                 ", pid " + std::to_string(pid) + ")");
}

void Node::stop_worker(const std::string& name, Worker& w, const std::string& why) {
  w.stopping = true;
  w.why = why;
  w.stop_sent = std::chrono::steady_clock::now();
  ::kill(w.pid, SIGTERM);
  event(name, "stopping (" + why + "): draining to a checkpoint");
}

// The one place a running pipeline takes a new version: a hot reload in the worker
// (engine::Reloader: swapped at a checkpoint barrier, unchanged stages keep running). The
// worker reads "VERSION\nPATH" from its control file on SIGHUP; if its reload fails it drains
// to a checkpoint and exits with kExitReload, and reap() starts the new version from there.
void Node::reload_worker(const std::string& name, Worker& w, const PipelineRow& p) {
  const std::string file = write_pipeline_file(name, p);
  const std::string control = control_path(name);
  const std::string tmp = control + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << p.version << "\n" << file << "\n";
    if (file.empty() || !out) {
      stop_worker(name, w, "reload to version " + std::to_string(p.version));
      return;
    }
  }
  std::filesystem::rename(tmp, control);
  ::kill(w.pid, SIGHUP);
  w.version = p.version;
  event(name, "hot reload to version " + std::to_string(p.version) + " asked");
}

std::string Node::control_path(const std::string& key) const {
  return o_.work_dir + "/pipelines/" + safe_name(key) + ".control";
}

std::string Node::write_pipeline_file(const std::string& key, const PipelineRow& p) {
  const std::string file =
      o_.work_dir + "/pipelines/" + safe_name(key) + ".v" + std::to_string(p.version) + ".pipe";
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << p.text;
  if (!out) {
    log::error("cluster", "cannot write " + file);
    return "";
  }
  return file;
}

void Node::reap() {
  for (auto it = workers_.begin(); it != workers_.end();) {
    Worker& w = it->second;
    int status = 0;
    pid_t r = ::waitpid(w.pid, &status, WNOHANG);
    if (r == 0) {
      if (w.stopping && std::chrono::steady_clock::now() - w.stop_sent > std::chrono::seconds(60)) {
        ::kill(w.pid, SIGKILL);
      }
      ++it;
      continue;
    }
    const std::string name = it->first;
    if (w.stopping) {
      event(name, "stopped (" + w.why + ")");
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == kExitReload) {
      event(name, "drained for a reload: starting the new version");
      restart_at_.erase(name);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) <= 3) {
      // 0 completed, 1 invalid file, 3 failed after the engine's own restarts: final until
      // the pipeline is deployed again.
      const int code = WEXITSTATUS(status);
      finished_[name] = {w.version, w.epoch};
      event(name, code == 0 ? "completed" : "failed (exit code " + std::to_string(code) + ")");
    } else {
      // Crashed (or could not start): start again shortly, from the last checkpoint.
      restart_at_[name] = std::chrono::steady_clock::now() + std::chrono::seconds(2);
      event(name, WIFSIGNALED(status) ? "worker killed by signal " +
                                            std::to_string(WTERMSIG(status)) + ": restarting"
                                      : "worker exited with code " +
                                            std::to_string(WEXITSTATUS(status)) + ": restarting");
    }
    it = workers_.erase(it);
    wake(false);
  }
}

void Node::broadcast_wake(const std::vector<NodeRow>& nodes) {
  {
    std::lock_guard<std::mutex> lock(waker_mu_);
    waker_nodes_ = nodes;
    waker_pending_ = true;
  }
  waker_cv_.notify_all();
}

void Node::waker_loop() {
  std::unique_lock<std::mutex> lock(waker_mu_);
  while (true) {
    waker_cv_.wait(lock, [&] { return waker_pending_ || waker_quit_; });
    if (!waker_pending_) return;  // quit, nothing left to send
    std::vector<NodeRow> nodes = std::move(waker_nodes_);
    waker_pending_ = false;
    lock.unlock();
    for (const auto& n : nodes) {
      if (!n.live || n.id == o_.listen) continue;
      // A node restarted on the same address is another actor: key by pid too.
      const std::string key = n.address + "/" + std::to_string(n.pid);
      auto it = peers_.find(key);
      if (it == peers_.end()) {
        auto [host, port] = split_address(n.address);
        if (port == 0) continue;
        auto peer = connect_node(*sys_, o_.tls, host, port);
        if (!peer.ok()) continue;
        it = peers_.emplace(key, std::make_unique<caf::actor>(*peer)).first;
      }
      caf::anon_send(*it->second, wake_atom::value);
    }
    lock.lock();
  }
}

std::string Node::handle_join(const std::string& who) {
  std::lock_guard<std::mutex> lock(api_mu_);
  auto id = api_store_.identity();
  if (!id.ok()) return make_reply(3, id.err().message);
  log::info("cluster", "node " + who + " joins");
  wake(false);
  return make_reply(0, *id);
}

std::string Node::handle_deploy(const std::string& path, const std::string& text,
                                int64_t instances) {
  auto specs = operators::registry().specs();
  auto loaded = dsl::load_text(path, text, specs);
  std::string report = dsl::format(loaded);
  if (!loaded.ok()) return make_reply(1, report);
  if (loaded.file.pipelines.empty()) return make_reply(1, path + ": no pipeline to deploy\n");
  std::string out = report;
  std::lock_guard<std::mutex> lock(api_mu_);
  auto owners = api_store_.assignments();
  std::map<std::string, bool> kafka_only;
  for (const auto& p : loaded.file.pipelines) {
    bool all = true, any = false;
    for (const auto& st : p.stages) {
      if (st.type != ast::StageType::Source) continue;
      any = true;
      all = all && st.kind == "kafka";
    }
    kafka_only[p.name] = any && all;
  }
  for (const auto& [name, piece] : split_pipelines(loaded.file, specs)) {
    int64_t n = 1;
    if (instances > 1 && kafka_only[name]) {
      n = instances;
    } else if (instances > 1) {
      out += name + ": only pipelines whose sources are all Kafka spread over nodes: 1 instance\n";
    }
    auto r = api_store_.deploy(name, piece, n);
    if (!r.ok()) return make_reply(3, out + name + ": " + r.err().message + "\n");
    std::string where;
    if (owners.ok()) {
      for (const auto& a : *owners) {
        if (pipeline_of(a.pipeline) == name && !a.node.empty()) {
          where += (where.empty() ? "" : ", ") + a.node;
        }
      }
    }
    const std::string spread =
        n > 1 ? " (" + std::to_string(n) + " instances, one Kafka consumer group)" : "";
    if (r->created) {
      out += "deployed " + name + " version " + std::to_string(r->version) + spread + "\n";
    } else if (r->changed) {
      out += "deployed " + name + " version " + std::to_string(r->version) + spread +
             ": reloading" + (where.empty() ? "" : " on " + where) + "\n";
    } else {
      out += name + " unchanged (version " + std::to_string(r->version) + ")\n";
    }
    (void)api_store_.log_event(o_.listen, name, "deployed version " + std::to_string(r->version));
  }
  wake(true);
  return make_reply(0, out);
}

std::string Node::handle_undeploy(const std::string& name) {
  std::lock_guard<std::mutex> lock(api_mu_);
  auto r = api_store_.undeploy(name);
  if (!r.ok()) return make_reply(3, r.err().message + "\n");
  if (!*r) return make_reply(2, "no pipeline '" + name + "' is deployed\n");
  (void)api_store_.log_event(o_.listen, name, "undeployed");
  wake(true);
  return make_reply(0, "undeployed " + name + ": its owner drains and stops it\n");
}

std::string Node::handle_status() {
  std::lock_guard<std::mutex> lock(api_mu_);
  auto nodes = api_store_.nodes(o_.dead_after);
  auto ps = api_store_.pipelines();
  auto as = api_store_.assignments();
  auto ss = api_store_.statuses();
  if (!nodes.ok()) return make_reply(3, nodes.err().message + "\n");
  if (!ps.ok()) return make_reply(3, ps.err().message + "\n");
  if (!as.ok()) return make_reply(3, as.err().message + "\n");
  if (!ss.ok()) return make_reply(3, ss.err().message + "\n");
  std::map<std::string, AssignmentRow> owner;
  for (const auto& a : *as) owner[a.pipeline] = a;
  std::map<std::string, StatusRow> status;
  for (const auto& s : *ss) status[s.pipeline] = s;
  std::map<std::string, int> load;
  std::set<std::string> live;
  for (const auto& n : *nodes) {
    if (n.live) live.insert(n.id);
  }
  for (const auto& a : *as) {
    if (!a.node.empty()) ++load[a.node];
  }
  char line[512];
  std::string out;
  std::snprintf(line, sizeof line, "%-22s %-6s %9s %9s  %s\n", "NODE", "STATE", "LAST SEEN",
                "PIPELINES", "ROLE");
  out += line;
  for (const auto& n : *nodes) {
    std::snprintf(line, sizeof line, "%-22s %-6s %9s %9d  %s\n", n.id.c_str(),
                  n.live ? "live" : "dead", (fmt_seconds(n.age_seconds) + " ago").c_str(),
                  load[n.id], n.coordinator ? "coordinator" : "");
    out += line;
  }
  out += "\n";
  std::snprintf(line, sizeof line, "%-20s %7s %-22s %-10s %7s %9s %9s %6s  %s\n", "PIPELINE",
                "VERSION", "OWNER", "STATE", "LAG", "READ", "WRITTEN", "ERRORS", "CHECKPOINT");
  out += line;
  int code = 0;
  std::string reasons;
  for (const auto& pr : *ps) {
    for (const auto& key : instance_keys(pr)) {
      PipelineRow p = pr;
      p.name = key;
      std::string own = "-", state = "unassigned", lag = "-", read = "-", written = "-",
                  errors = "-", checkpoint = "-";
      auto a = owner.find(p.name);
      if (a != owner.end() && !a->second.node.empty()) {
        own = a->second.node;
        state = live.count(own) ? "starting" : "owner dead";
        if (!a->second.move_to.empty()) state = "moving";
        auto s = status.find(p.name);
        if (s != status.end() && s->second.node == own && live.count(own) &&
            a->second.move_to.empty()) {
          const auto& st = s->second;
          state = st.state;
          if (st.version != p.version && state != "failed") state = "reloading";
          char buf[32];
          std::snprintf(buf, sizeof buf, "%.2fs", st.lag_seconds);
          lag = buf;
          read = human(st.records_read);
          written = human(st.records_written);
          errors = human(st.errors);
          if (st.last_checkpoint > 0) {
            checkpoint = "#" + std::to_string(st.last_checkpoint);
            if (st.checkpoint_age_seconds >= 0) {
              checkpoint += " (" + fmt_seconds(st.checkpoint_age_seconds) + " ago)";
            }
          }
          if (st.state == "failed") code = 3;
          if (!st.reason.empty()) reasons += "  " + p.name + ": " + st.reason + "\n";
        }
      }
      std::snprintf(line, sizeof line, "%-20s %7lld %-22s %-10s %7s %9s %9s %6s  %s\n",
                    p.name.c_str(), static_cast<long long>(p.version), own.c_str(), state.c_str(),
                    lag.c_str(), read.c_str(), written.c_str(), errors.c_str(), checkpoint.c_str());
      out += line;
    }
  }
  if (!reasons.empty()) out += "\nerrors:\n" + reasons;
  return make_reply(code, out);
}

}  // namespace sluice::cluster
