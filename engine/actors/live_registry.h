// The read-only stats / status / control surface of a running engine: every pipeline of a
// run with its stages' live counters and status. Filled by engine::run() when
// RunOptions::live is set; read (and paused/resumed) by the metrics endpoint and the
// management API from other threads. Entries stay valid after run() returns.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/value.h"
#include "engine/actors/pipeline_status.h"
#include "engine/actors/stage_counters.h"

namespace sluice::engine {

struct LiveStage {
  std::string name;
  std::string type;  // source, transform, aggregate, join, sink
  std::string kind;  // generate, mysql, postgres, ... ("" for processors)
  std::vector<std::string> from;
  std::string dead_letter;  // the stage's dead-letter sink ("" = none)
  int parallelism = 1;
  int64_t buffer = 10000;  // the stage's `buffer` option (credit per instance)
  std::shared_ptr<StageCounters> counters;
};

struct LivePipeline {
  std::string name;
  std::vector<LiveStage> stages;
  std::shared_ptr<PipelineStatus> status;

  const LiveStage* find_stage(const std::string& stage) const {
    for (const auto& s : stages) {
      if (s.name == stage) return &s;
    }
    return nullptr;
  }
};

// A pipeline's state as shown by status / the API.
struct PipelineState {
  std::string state;  // running, paused, failing (retrying, reconnecting, restarting),
                      // completed, failed
  std::string reason;
  uint64_t restarts = 0;
  uint64_t last_checkpoint = 0;
  int64_t last_checkpoint_at = 0;
  int64_t started_at = 0;
};

// What a dead-letter replay did: records sent back per stage, stages that cannot replay.
struct ReplayResult {
  std::vector<std::pair<std::string, size_t>> replayed;  // stage -> records
  std::vector<std::string> refused;                      // "stage: reason"
  size_t total() const {
    size_t n = 0;
    for (const auto& r : replayed) n += r.second;
    return n;
  }
};

class LiveRegistry {
 public:
  void add(LivePipeline p);
  std::vector<std::shared_ptr<const LivePipeline>> pipelines() const;
  std::shared_ptr<const LivePipeline> find(const std::string& name) const;
  // Sets the paused flag of every source of the pipeline; false when it is unknown.
  bool set_paused(const std::string& name, bool paused);
  // Sends up to `limit` held dead letters of each processor and sink stage of pipeline `p`
  // (only `stage` when not empty) back into that stage: it processes them again with the
  // inputs they came from (after a fix of the target, the data or the pipeline). Replayed
  // records leave the held list; they stay in the durable dead-letter sink.
  static ReplayResult replay_dead_letters(const LivePipeline& p, const std::string& stage,
                                          size_t limit);
  static PipelineState state_of(const LivePipeline& p);
  // Runs command `name` on each source stage of `p` (only `stage` when not empty) and waits
  // up to `timeout_ms` for each answer: stage -> its answer or error.
  static std::vector<std::pair<std::string, result<std::string>>> command(const LivePipeline& p,
                                                                          const std::string& stage,
                                                                          const std::string& name,
                                                                          const Value& args,
                                                                          int64_t timeout_ms);

 private:
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<LivePipeline>> pipelines_;
};

}  // namespace sluice::engine
