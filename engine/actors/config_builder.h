// Builds the StageConfig of each stage instance (constant options evaluated, defaults filled
// in, per-record options kept as AST) and the pipeline settings.
#pragma once
#include <cstdint>
#include <string>

#include "base/result.h"
#include "dsl/ast.h"
#include "dsl/option_spec.h"
#include "engine/actors/backoff_policy.h"
#include "engine/core/operator.h"

namespace sluice::engine {

// Engine defaults (docs/engine.md).
inline constexpr int64_t kDefaultBuffer = 10000;
// A stage that batches its writes (`batch { rows = N }`) and sets no `buffer` gets room for
// this many of its batches on its input edge: the sources read the next batches while one is
// written (with a bound below one batch, reading and writing alternate).
inline constexpr int64_t kBufferBatches = 4;
inline constexpr int64_t default_buffer(int64_t batch_rows) {
  return batch_rows * kBufferBatches > kDefaultBuffer ? batch_rows * kBufferBatches
                                                      : kDefaultBuffer;
}
inline constexpr int64_t kDefaultBatchSize = 1024;
inline constexpr int64_t kDefaultCheckpointIntervalUs = 1'000'000;
inline constexpr int64_t kDefaultRestartAttempts = 5;
inline constexpr int64_t kDefaultRetryAttempts = 5;

struct PipelineSettings {
  std::string state_dir;  // resolved: RunOptions::state_dir/<pipeline>, settings, var/<pipeline>
  int64_t checkpoint_interval_us = kDefaultCheckpointIntervalUs;
  int64_t batch_size = kDefaultBatchSize;
  int64_t restart_attempts = kDefaultRestartAttempts;
  BackoffPolicy restart_backoff;
  int64_t epoch = 0;    // RunOptions::epoch, copied into every StageConfig
  StateSettings state;  // copied into every StageConfig
};

class ConfigBuilder {
 public:
  // Evaluates one option against its spec (spec may be null: unknown option, best effort).
  // Returns false with `err` set when a constant option cannot be evaluated.
  static result<void> add_option(const ast::Option& opt, const dsl::OptionSpec* spec,
                                 const std::string& prefix, Object& out,
                                 std::map<std::string, const ast::Expr*>& exprs);
  // Fills defaults for options absent from `out` (blocks recursively).
  static void fill_defaults(const std::vector<dsl::OptionSpec>& specs, Object& out);
  // The StageConfig of `stage` (instance 0); `spec` is the kind's spec (may be null).
  static result<StageConfig> stage(const std::string& pipeline, const ast::Stage& stage,
                                   const dsl::KindSpec* spec, const std::string& state_dir);
  // Pipeline settings; `state_dir_override` is RunOptions::state_dir ("" = none).
  static result<PipelineSettings> settings(const ast::Pipeline& p,
                                           const std::string& state_dir_override);
};

}  // namespace sluice::engine
