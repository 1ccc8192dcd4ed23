#include "cluster/worker_supervisor.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <vector>

#include "base/logger.h"
#include "cluster/worker.h"

namespace sluice::cluster {
namespace {

std::string safe_name(std::string s) {
  for (char& c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') c = '_';
  }
  return s;
}

// Forks and executes args; the child dies with the node. -1 when the fork failed.
pid_t spawn(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) {
    // Dies with the node (kill -9 included): no orphan keeps writing.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(3);
    // Not the node's sockets (listener, state-store session): only stdio.
    ::close_range(3, ~0U, 0);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

}  // namespace

WorkerSupervisor::WorkerSupervisor(const NodeOptions& o, EventFn event, std::function<void()> wake)
    : o_(o), event_(std::move(event)), wake_(std::move(wake)) {}

bool WorkerSupervisor::may_start(const std::string& key, int64_t version, int64_t epoch) const {
  if (auto f = finished_.find(key);
      f != finished_.end() && f->second == std::make_pair(version, epoch)) {
    return false;  // completed or failed: stays so until it is deployed again
  }
  auto r = restart_at_.find(key);
  return r == restart_at_.end() || std::chrono::steady_clock::now() >= r->second;
}

void WorkerSupervisor::start(const std::string& key, const PipelineRow& p, int64_t epoch) {
  const std::string file = write_pipeline_file(key, p);
  if (file.empty()) return;
  pid_t pid = spawn({o_.exe, "node-worker", "--node", o_.listen, "--pipeline", p.name, "--instance",
                     key, "--epoch", std::to_string(epoch), "--version", std::to_string(p.version),
                     "--file", file, "--control", control_path(key), "--state-dir",
                     o_.work_dir + "/state/" + safe_name(key)});
  if (pid < 0) {
    log::error("cluster", key + ": fork failed");
    return;
  }
  Worker w;
  w.pid = pid;
  w.version = p.version;
  w.epoch = epoch;
  workers_[key] = w;
  event_(key, "started version " + std::to_string(p.version) + " (epoch " + std::to_string(epoch) +
                  ", pid " + std::to_string(pid) + ")");
}

void WorkerSupervisor::follow(const std::map<std::string, AssignmentRow>& mine,
                              const std::map<std::string, PipelineRow>& pipelines) {
  for (auto& [name, w] : workers_) {
    if (w.stopping) continue;
    auto a = mine.find(name);
    auto p = pipelines.find(name);
    if (a == mine.end() || p == pipelines.end()) {
      stop(name, w, p == pipelines.end() ? "undeployed" : "assigned elsewhere");
    } else if (a->second.epoch != w.epoch) {
      stop(name, w, "assignment changed");
    } else if (!a->second.move_to.empty()) {
      stop(name, w, "handing over to " + a->second.move_to);
    } else if (p->second.version != w.version) {
      reload(name, w, p->second);
    }
  }
}

void WorkerSupervisor::stop_all(const std::string& why) {
  for (auto& [name, w] : workers_) {
    if (!w.stopping) stop(name, w, why);
  }
}

void WorkerSupervisor::kill_all() {
  for (auto& [name, w] : workers_) ::kill(w.pid, SIGKILL);
}

void WorkerSupervisor::stop(const std::string& name, Worker& w, const std::string& why) {
  w.stopping = true;
  w.why = why;
  w.stop_sent = std::chrono::steady_clock::now();
  ::kill(w.pid, SIGTERM);
  event_(name, "stopping (" + why + "): draining to a checkpoint");
}

// The one place a running pipeline takes a new version: a hot reload in the worker
// (engine::Reloader: swapped at a checkpoint barrier, unchanged stages keep running). The
// worker reads "VERSION\nPATH" from its control file on SIGHUP; if its reload fails it drains
// to a checkpoint and exits with kExitReload, and reap() starts the new version from there.
void WorkerSupervisor::reload(const std::string& name, Worker& w, const PipelineRow& p) {
  const std::string file = write_pipeline_file(name, p);
  const std::string control = control_path(name);
  const std::string tmp = control + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << p.version << "\n" << file << "\n";
    if (file.empty() || !out) {
      stop(name, w, "reload to version " + std::to_string(p.version));
      return;
    }
  }
  std::filesystem::rename(tmp, control);
  ::kill(w.pid, SIGHUP);
  w.version = p.version;
  event_(name, "hot reload to version " + std::to_string(p.version) + " asked");
}

std::string WorkerSupervisor::control_path(const std::string& key) const {
  return o_.work_dir + "/pipelines/" + safe_name(key) + ".control";
}

std::string WorkerSupervisor::write_pipeline_file(const std::string& key, const PipelineRow& p) {
  std::string file =
      o_.work_dir + "/pipelines/" + safe_name(key) + ".v" + std::to_string(p.version) + ".pipe";
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << p.text;
  if (!out) {
    log::error("cluster", "cannot write " + file);
    return "";
  }
  return file;
}

void WorkerSupervisor::reap() {
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
    ended(it->first, w, status);
    it = workers_.erase(it);
    wake_();
  }
}

void WorkerSupervisor::ended(const std::string& name, const Worker& w, int status) {
  if (w.stopping) {
    event_(name, "stopped (" + w.why + ")");
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == kExitReload) {
    event_(name, "drained for a reload: starting the new version");
    restart_at_.erase(name);
  } else if (WIFEXITED(status) && WEXITSTATUS(status) <= 3) {
    // 0 completed, 1 invalid file, 3 failed after the engine's own restarts: final until
    // the pipeline is deployed again.
    const int code = WEXITSTATUS(status);
    finished_[name] = {w.version, w.epoch};
    event_(name, code == 0 ? "completed" : "failed (exit code " + std::to_string(code) + ")");
  } else {
    // Crashed (or could not start): start again shortly, from the last checkpoint.
    restart_at_[name] = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    event_(name,
           WIFSIGNALED(status)
               ? "worker killed by signal " + std::to_string(WTERMSIG(status)) + ": restarting"
               : "worker exited with code " + std::to_string(WEXITSTATUS(status)) + ": restarting");
  }
}

}  // namespace sluice::cluster
