#include "engine/actors/live_registry.h"

#include <chrono>
#include <future>

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

ReplayResult LiveRegistry::replay_dead_letters(const LivePipeline& p, const std::string& stage,
                                               size_t limit) {
  ReplayResult r;
  for (const auto& s : p.stages) {
    if (!stage.empty() && s.name != stage) continue;
    if (s.counters->dead_letters.size() == 0) continue;
    if (s.type == "source") {
      r.refused.push_back(s.name +
                          ": a source's dead letters are input it could not read; fix the "
                          "input and feed the dead-letter sink's records back instead");
      continue;
    }
    if ((s.type == "aggregate" || s.type == "join") && s.parallelism > 1) {
      r.refused.push_back(s.name + ": replay into a keyed stage with parallelism " +
                          std::to_string(s.parallelism) + " is not supported");
      continue;
    }
    auto events = s.counters->dead_letters.take(limit);
    if (events.empty()) continue;
    r.replayed.emplace_back(s.name, events.size());
    s.counters->replay.add(std::move(events));
  }
  return r;
}

std::vector<std::pair<std::string, result<std::string>>> LiveRegistry::command(
    const LivePipeline& p, const std::string& stage, const std::string& name, const Value& args,
    int64_t timeout_ms) {
  std::vector<std::pair<std::string, std::future<result<std::string>>>> waiting;
  for (const auto& s : p.stages) {
    if (s.type != "source" || (!stage.empty() && s.name != stage)) continue;
    waiting.emplace_back(s.name, s.counters->commands.add(name, args));
  }
  std::vector<std::pair<std::string, result<std::string>>> out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (auto& [name_of, f] : waiting) {
    if (f.wait_until(deadline) != std::future_status::ready) {
      out.emplace_back(name_of,
                       error::transient("no answer within " + std::to_string(timeout_ms / 1000) +
                                        " s (the source is busy or stopped)"));
      continue;
    }
    out.emplace_back(name_of, f.get());
  }
  return out;
}

PipelineState LiveRegistry::state_of(const LivePipeline& p) {
  PipelineState st;
  bool paused = false;
  std::string failing;  // a stage retrying or reconnecting
  for (const auto& s : p.stages) {
    if (s.type == "source" && s.counters->paused.load(std::memory_order_relaxed)) paused = true;
    if (failing.empty() && s.counters->retrying.load(std::memory_order_relaxed)) {
      failing = "stage '" + s.name + "' retrying after an error";
    }
    if (failing.empty() && s.counters->unhealthy.load(std::memory_order_relaxed)) {
      failing = "stage '" + s.name + "': " + s.counters->health();
    }
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
  } else if (p.status->restarting) {
    st.state = "failing";
    st.reason = "restarting after: " + p.status->last_error;
  } else if (!failing.empty()) {
    st.state = "failing";
    st.reason = failing;
  } else if (paused) {
    st.state = "paused";
  } else {
    st.state = "running";
  }
  return st;
}

}  // namespace sluice::engine
