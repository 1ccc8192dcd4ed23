// The `join` stage (DSL.md §8): a keyed merge of two or more changelogs. For each input it
// keeps the latest row per key (the `on` expressions evaluated on that input's row; a delete
// removes that input's row; an update whose key changed moves it). Whenever an input changes
// a key and the first input has a row for it, the block's statements run with
// Context::inputs = the rows of every input (nullptr = missing, reads as null) and ctx.row =
// a copy of the first input's row; the result is emitted as "c" (first time) or "u" (before =
// the previous output) keyed by the join key. An unchanged result emits nothing. When the
// first input loses the key (or `where` drops the result) a "d" with the last output is
// emitted. Rows whose key is null are not joined (like SQL). Errors -> dead letter "eval".
// A truncate event (Op::Truncate) cannot be applied (no per-table row index): it is counted,
// logged as a warning and sent to the dead letters with kind "truncate".
// State (JoinState): in a RocksDB store per instance by default, in memory with `settings {
// state { backend = memory } }`. `ttl = D` (or `ttl { after = D  inputs = [A, B] }`): a row not
// changed for longer than D in event time (Event::ts; the clock is the latest ts seen) is
// dropped after the batch that moves the clock past it, and the join emits what that changes
// ("u", or "d" when the first input's row expired).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "dsl/eval/expr.h"
#include "operators/common/keyed_state_processor.h"
#include "operators/common/statements/statement_list.h"
#include "operators/join/join_state.h"

namespace sluice::operators::join {

class JoinProcessor : public KeyedStateProcessor {
 public:
  static result<std::unique_ptr<Processor>> make(const StageConfig& cfg);

  result<void> open(const std::string& state) override;
  void process(size_t input_index, std::vector<Event>& in, std::vector<Event>& out,
               std::vector<Event>& dead) override;
  // The whole state in key order (equal states give equal text in either backend).
  std::string checkpoint_state() const override;
  // With the state on disk: a reference to a store checkpoint; else checkpoint_state().
  result<std::string> checkpoint(uint64_t id) override;
  void checkpoint_committed(uint64_t id) override;

  size_t key_count() const { return state_.size(); }
  bool on_disk() const { return state_.on_disk(); }
  // Input rows dropped by `ttl` so far.
  uint64_t expired() const { return expired_; }

 private:
  JoinProcessor() : KeyedStateProcessor("join") {}

  Value key_of(size_t input, const Event& e, const Object& row) const;
  // Applies one event of `input` (throws eval_error, or require_failed for a `require`).
  void join_one(size_t input, const Event& e, std::vector<Event>& out);
  // Stores (or, with row == nullptr, removes) input's row for key, then emits the change.
  void change(size_t input, const Value& key, Object* row, const Event& trigger,
              std::vector<Event>& out);
  // Emits what the entry's rows give now against its last output (may throw like merge()).
  void update_output(const Value& key, JoinEntry& en, const Event& trigger,
                     std::vector<Event>& out);
  // The merged row for an entry whose first input is present; false when `where` drops it.
  bool merge(const Value& key, const JoinEntry& en, const Event& trigger, Event& o);
  // Runs f, the evaluation for event e: true when it succeeded; after an evaluation error or a
  // failed `require` e goes to dead (`what` prefixes the message). A state::store_error passes
  // through (the pipeline fails).
  template <class F>
  bool evaluate(F&& f, Event& e, std::vector<Event>& dead, const std::string& what);
  // Disk backend: the batch's join keys (old and new) read from the store at once.
  void prefetch(size_t input_index, const std::vector<Event>& in);
  // ttl: drops the rows due before the clock and emits the changes.
  void expire(std::vector<Event>& out, std::vector<Event>& dead);
  void expire_entry(const Value& key, std::vector<Event>& out, std::vector<Event>& dead);
  static result<JoinStateOptions> state_options(const StageConfig& cfg, size_t n_inputs);
  static result<void> read_ttl(const StageConfig& cfg, JoinStateOptions& o);

  size_t n_inputs_ = 0;
  std::vector<eval::ExprPtr> on_;
  statements::StatementList statements_;
  std::shared_ptr<const SourceMeta> meta_;
  JoinState state_{JoinStateOptions{}};
  int64_t now_ = 0;
  uint64_t expired_ = 0;
  std::vector<Value> keys_buf_;
};

}  // namespace sluice::operators::join
