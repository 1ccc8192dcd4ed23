#include "operators/transform/transform_processor.h"

#include "base/temporal.h"
#include "engine/core/errc.h"
#include "operators/common/stage_options.h"

namespace sluice::operators::transform {

result<std::unique_ptr<Processor>> TransformProcessor::make(const StageConfig& cfg) {
  std::unique_ptr<TransformProcessor> p(new TransformProcessor());
  p->stage_ = cfg.name;
  if (cfg.ast != nullptr) {
    for (const ast::Statement& s : cfg.ast->statements) {
      auto c = p->statements_.add(s);
      if (!c.ok()) return error::fatal("transform " + cfg.name + ": " + c.err().message);
    }
  }
  return std::unique_ptr<Processor>(std::move(p));
}

void TransformProcessor::process(size_t /*input_index*/, std::vector<Event>& in,
                                 std::vector<Event>& out, std::vector<Event>& dead) {
  eval::Context ctx;
  ctx.now = temporal::now_micros();
  out.reserve(out.size() + in.size());
  for (Event& e : in) {
    // No row (a truncate) or not a record (a schema change): passed through unchanged,
    // statements not run.
    if (e.op == Op::Truncate || e.op == Op::Schema) {
      out.push_back(std::move(e));
      continue;
    }
    ctx.event = &e;
    ctx.row = &e.row;
    auto outcome = eval::guarded([&] { return statements_.run(e, ctx); });
    if (!outcome.ok()) {
      mark_dead(e, stage_, outcome.err());
      dead.push_back(std::move(e));
      continue;
    }
    switch (*outcome) {
      case statements::StatementList::Outcome::Continue:
        out.push_back(std::move(e));
        break;
      case statements::StatementList::Outcome::Drop:
        break;
      case statements::StatementList::Outcome::Fail:
        mark_dead(e, stage_, engine::errc::require_failed, statements_.failed_message());
        dead.push_back(std::move(e));
        break;
    }
  }
  in.clear();
}

}  // namespace sluice::operators::transform
