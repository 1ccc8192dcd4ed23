// Checks of a pipeline's stage graph: duplicate names, `from` references (undefined, a sink,
// listed twice), cycles, stages not reaching a source, dead_letter targets, unused sinks.
#pragma once
#include <string>
#include <vector>

#include "dsl/ast.h"
#include "dsl/diagnostics.h"
#include "dsl/option_spec.h"

namespace sluice::dsl {

// A `dead_letter = NAME` seen while checking a stage's options.
struct DeadLetterRef {
  const ast::Stage* stage;
  std::string target;
  ast::Loc loc;
};

void check_graph(const ast::Pipeline& p, const std::vector<DeadLetterRef>& dead_letters,
                 const SpecRegistry& registry, Diagnostics& diags);

}  // namespace sluice::dsl
