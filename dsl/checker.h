// Validates a parsed file against the operator specs: stage kinds, options (names, types,
// ranges, enums, required), names and `from` graph (undefined, duplicates, cycles, reaching a
// source), dead letters, functions, arity, aggregate use and static type errors. Every error
// goes to `diags` with its location; checking continues after an error.
#pragma once
#include "dsl/ast.h"
#include "dsl/diagnostics.h"
#include "dsl/option_spec.h"

namespace sluice::dsl {

void check(const ast::File& file, const SpecRegistry& registry, Diagnostics& diags);

}  // namespace sluice::dsl
