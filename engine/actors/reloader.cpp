#include "engine/actors/reloader.h"

#include <chrono>

#include "engine/actors/clock.h"

namespace sluice::engine {

ReloadReport Reloader::reload(std::shared_ptr<const ast::File> file, const std::string& only,
                              int64_t timeout_us) {
  ReloadReport rep;
  const int64_t deadline = monotonic_us() + timeout_us;
  auto req = std::make_shared<Request>();
  req->file = std::move(file);
  req->only = only;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!attached_) {
      rep.error = "no pipelines are running";
      return rep;
    }
    queue_.push_back(req);
    const bool ok =
        cv_.wait_for(lock, std::chrono::microseconds(timeout_us), [&] { return req->dispatched; });
    if (!ok) {
      rep.error = "the engine did not take the reload request in time";
      return rep;
    }
  }
  if (!req->error.empty()) {
    rep.error = req->error;
    return rep;
  }
  rep.ok = true;
  for (const auto& t : req->tickets) {
    const int64_t left = std::max<int64_t>(0, deadline - monotonic_us());
    if (!t->wait(left)) {
      PipelineReload pr;
      pr.pipeline = t->pipeline ? t->pipeline->name : "";
      pr.action = "failed";
      pr.error = "no answer in time (the reload may still complete)";
      rep.pipelines.push_back(std::move(pr));
      rep.ok = false;
      continue;
    }
    rep.pipelines.push_back(t->result());
    rep.ok = rep.ok && rep.pipelines.back().ok;
  }
  return rep;
}

void Reloader::attach() {
  std::lock_guard<std::mutex> lock(mu_);
  attached_ = true;
}

void Reloader::detach() {
  std::lock_guard<std::mutex> lock(mu_);
  attached_ = false;
  for (auto& r : queue_) {
    r->error = "the engine stopped";
    r->dispatched = true;
  }
  queue_.clear();
  cv_.notify_all();
}

std::shared_ptr<Reloader::Request> Reloader::take() {
  std::lock_guard<std::mutex> lock(mu_);
  if (queue_.empty()) return nullptr;
  auto r = queue_.front();
  queue_.pop_front();
  return r;
}

void Reloader::dispatched(const std::shared_ptr<Request>& r) {
  std::lock_guard<std::mutex> lock(mu_);
  r->dispatched = true;
  cv_.notify_all();
}

}  // namespace sluice::engine
