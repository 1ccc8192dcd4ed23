// Options two stages of one kind may not share (OptionSpec::unique_with): a `source mysql`'s
// server_id on one server (host and port). Two such sources in one file would take the binlog
// stream from each other; `sluice check` says so before anything runs.
#pragma once
#include "dsl/ast.h"
#include "dsl/diagnostics.h"
#include "dsl/option_spec.h"

namespace sluice::dsl {

// Reports each stage whose unique option (with its unique_with options) repeats an earlier
// stage's of the same kind in `f`. Only values written as literals (or left at their
// defaults) are compared.
void check_unique_options(const ast::File& f, const SpecRegistry& registry, Diagnostics& diags);

}  // namespace sluice::dsl
