// The handle through which other threads (`run --watch`, the control endpoint) hot-reload
// the pipelines of a running engine::run(). Give the same Reloader to RunOptions::reloader;
// reload() blocks until every affected pipeline answered (or the timeout).
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "dsl/ast.h"
#include "engine/actors/reload_ticket.h"

namespace sluice::engine {

struct ReloadReport {
  bool ok = false;    // every pipeline reloaded, started, stopped or unchanged
  std::string error;  // when the request itself failed (no engine running, unknown pipeline)
  std::vector<PipelineReload> pipelines;
};

class Reloader {
 public:
  // `file` must be checked (dsl::load_*). only = "": the whole file (pipelines absent from it
  // stop, new ones start); else just that pipeline of the file.
  ReloadReport reload(std::shared_ptr<const ast::File> file, const std::string& only = "",
                      int64_t timeout_us = 60'000'000);

  // --- the runner's side ---
  struct Request {
    std::shared_ptr<const ast::File> file;
    std::string only;
    // Filled by the runner, then dispatched() is set.
    std::string error;
    std::vector<std::shared_ptr<ReloadTicket>> tickets;
    bool dispatched = false;
  };
  void attach();  // run() started: requests are served
  void detach();  // run() ends: pending and later requests fail
  std::shared_ptr<Request> take();
  void dispatched(const std::shared_ptr<Request>& r);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool attached_ = false;
  std::deque<std::shared_ptr<Request>> queue_;
};

}  // namespace sluice::engine
