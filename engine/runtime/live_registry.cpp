#include "engine/runtime/live_registry.h"

namespace sluice::engine {

void LiveRegistry::add(LivePipeline p) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& existing : pipelines_) {
    if (existing->name == p.name) {
      existing = std::make_shared<LivePipeline>(std::move(p));
      return;
    }
  }
  pipelines_.push_back(std::make_shared<LivePipeline>(std::move(p)));
}

std::vector<std::shared_ptr<const LivePipeline>> LiveRegistry::pipelines() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {pipelines_.begin(), pipelines_.end()};
}

std::shared_ptr<const LivePipeline> LiveRegistry::find(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& p : pipelines_) {
    if (p->name == name) return p;
  }
  return nullptr;
}

bool LiveRegistry::set_paused(const std::string& name, bool paused) {
  auto p = find(name);
  if (!p) return false;
  for (const auto& s : p->stages) {
    if (s.type == "source") s.counters->paused.store(paused, std::memory_order_relaxed);
  }
  return true;
}

PipelineState LiveRegistry::state_of(const LivePipeline& p) {
  PipelineState st;
  bool paused = false;
  for (const auto& s : p.stages) {
    if (s.type == "source" && s.counters->paused.load(std::memory_order_relaxed)) paused = true;
  }
  std::lock_guard<std::mutex> lock(p.status->mu);
  st.reason = p.status->reason;
  st.restarts = p.status->restarts;
  st.last_checkpoint = p.status->last_checkpoint;
  st.last_checkpoint_at = p.status->last_checkpoint_at;
  st.started_at = p.status->started_at;
  if (p.status->finished) {
    st.state = p.status->failed ? "failed" : "completed";
  } else if (!p.status->reason.empty()) {
    st.state = "failed";
  } else if (paused) {
    st.state = "paused";
  } else {
    st.state = "running";
  }
  return st;
}

}  // namespace sluice::engine
