// Source `generate` (DSL.md §9): synthetic records from `fields { name = EXPR }`.
//
// Determinism: the random generator is re-seeded every kBlock records from (seed, block
// number); open(position) re-seeds for the block holding the position and replays the draws
// of the records before it, so a restart regenerates exactly the records an uninterrupted run
// would have produced. The position (and checkpoint state) is the number of records produced.
// An evaluation error in a field stops the source (fatal): generated data has no dead letters.
#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "dsl/eval/expr.h"
#include "engine/core/operator.h"

namespace sluice::operators::generate {

class GenerateSource : public Source {
 public:
  static constexpr int64_t kBlock = 1024;

  static result<std::unique_ptr<Source>> make(const StageConfig& cfg);

  result<void> open(const std::string& state) override;
  result<Poll> poll(size_t max, std::vector<Event>& out) override;
  std::string checkpoint_state() const override { return std::to_string(produced_); }
  bool progress(int64_t& done, int64_t& total) const override {
    if (count_ < 0) return false;
    done = produced_;
    total = count_;
    return true;
  }

 private:
  struct FieldExpr {
    Sym name;
    eval::ExprPtr expr;
  };
  GenerateSource() = default;
  void reseed(int64_t block);
  // Builds record number produced_ + 1 into e (and advances produced_).
  void build(Event& e, int64_t now);

  std::vector<FieldExpr> fields_;
  int64_t count_ = -1;  // -1 = unbounded
  int64_t rate_ = 0;    // records per rate_period_us_; 0 = unpaced
  int64_t rate_period_us_ = 1000000;
  int64_t seed_ = 42;
  int64_t produced_ = 0;
  std::shared_ptr<const SourceMeta> meta_;
  eval::GenState gen_;
  // pacing
  bool started_ = false;
  std::chrono::steady_clock::time_point start_;
  int64_t paced_base_ = 0;  // produced_ when pacing started
};

}  // namespace sluice::operators::generate
