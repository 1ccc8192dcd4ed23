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
      auto c = CompiledStatement::compile(s);
      if (!c.ok()) {
        return error::fatal("transform " + cfg.name + ": " + c.err().message);
      }
      p->statements_.push_back(std::move(c.value()));
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
    if (e.op == Op::Truncate) {  // no row: passed through unchanged, statements not run
      out.push_back(std::move(e));
      continue;
    }
    ctx.event = &e;
    ctx.row = &e.row;
    CompiledStatement::Outcome outcome = CompiledStatement::Outcome::Continue;
    const CompiledStatement* failed = nullptr;
    auto ran = eval::guarded([&] {
      for (CompiledStatement& s : statements_) {
        outcome = s.run(e, ctx);
        if (outcome != CompiledStatement::Outcome::Continue) {
          failed = &s;
          break;
        }
      }
    });
    if (!ran.ok()) {
      mark_dead(e, stage_, ran.err());
      dead.push_back(std::move(e));
      continue;
    }
    switch (outcome) {
      case CompiledStatement::Outcome::Continue:
        out.push_back(std::move(e));
        break;
      case CompiledStatement::Outcome::Drop:
        break;
      case CompiledStatement::Outcome::Fail:
        mark_dead(e, stage_, engine::errc::require_failed, failed->message());
        dead.push_back(std::move(e));
        break;
    }
  }
  in.clear();
}

}  // namespace sluice::operators::transform
