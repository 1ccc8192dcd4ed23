// Reads, parses and checks a .pipe file: the one entry point of `sluice check/graph/run`.
#pragma once
#include <string>

#include "dsl/ast.h"
#include "dsl/diagnostics.h"
#include "dsl/option_spec.h"

namespace sluice::dsl {

struct Loaded {
  ast::File file;
  Diagnostics diags;
  bool ok() const { return !diags.has_errors(); }
};

// Parses and, when the syntax is valid, checks. A file that cannot be read is an error.
Loaded load_file(const std::string& path, const SpecRegistry& registry);
Loaded load_text(const std::string& path, const std::string& text, const SpecRegistry& registry);

// The full report: every diagnostic sorted by position, clang style, then a summary line
// ("N errors generated.") when there are errors. Empty when there is nothing to say.
std::string format(const Loaded& loaded);

}  // namespace sluice::dsl
