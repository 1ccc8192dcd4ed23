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
#pragma once
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "dsl/eval/expr.h"
#include "operators/common/keyed_state_processor.h"
#include "operators/common/statements/statement_list.h"

namespace sluice::operators::join {

class JoinProcessor : public KeyedStateProcessor {
 public:
  static result<std::unique_ptr<Processor>> make(const StageConfig& cfg);

  result<void> open(const std::string& state) override;
  void process(size_t input_index, std::vector<Event>& in, std::vector<Event>& out,
               std::vector<Event>& dead) override;
  std::string checkpoint_state() const override;

  size_t key_count() const { return entries_.size(); }

 private:
  JoinProcessor() : KeyedStateProcessor("join") {}

  struct Entry {
    std::vector<Object> rows;
    std::vector<bool> has;
    Object output;
    bool has_output = false;
  };

  Value key_of(size_t input, const Event& e, const Object& row) const;
  // Applies one event of `input` (throws eval_error, or require_failed for a `require`).
  void join_one(size_t input, const Event& e, std::vector<Event>& out);
  // Stores (or, with row == nullptr, removes) input's row for key, then emits the change.
  void change(size_t input, const Value& key, Object* row, const Event& trigger,
              std::vector<Event>& out);
  // The merged row for an entry whose first input is present; false when `where` drops it.
  bool merge(const Value& key, const Entry& en, const Event& trigger, Event& o);

  size_t n_inputs_ = 0;
  std::vector<eval::ExprPtr> on_;
  statements::StatementList statements_;
  std::shared_ptr<const SourceMeta> meta_;
  std::unordered_map<Value, Entry, ValueHash> entries_;
  int64_t now_ = 0;
};

}  // namespace sluice::operators::join
