// The `transform` stage (DSL.md §5): statements compiled once, run top to bottom per record.
// `where` false/null drops the record; a failed `require` sends it to the dead letters with
// code engine.require_failed (kind "require") and the statement's message; an evaluation
// error with its eval code (kind "eval", e.g. eval.bad_cast) and text. A dead-lettered record
// carries the row as it was when the failing statement ran (earlier statements applied). A truncate
// event (Op::Truncate, no row) passes through unchanged: no statement runs on it, not even `where`
// (docs/mysql.md). Option lines in the block (buffer, dead_letter, ...) are handled by the engine
// and ignored here.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "engine/core/operator.h"
#include "operators/common/statements/statement_list.h"

namespace sluice::operators::transform {

class TransformProcessor : public Processor {
 public:
  static result<std::unique_ptr<Processor>> make(const StageConfig& cfg);

  void process(size_t input_index, std::vector<Event>& in, std::vector<Event>& out,
               std::vector<Event>& dead) override;

 private:
  std::string stage_;
  statements::StatementList statements_;
};

}  // namespace sluice::operators::transform
