// "LINE:COL: ", the prefix of an error about a statement of a stage's block.
#pragma once
#include <string>

#include "dsl/ast.h"

namespace sluice::operators::statements {

inline std::string loc_text(const ast::Loc& l) {
  return std::to_string(l.line) + ":" + std::to_string(l.col) + ": ";
}

}  // namespace sluice::operators::statements
