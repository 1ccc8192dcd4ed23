// The keywords of the .pipe language, read from the generated lexer's vocabulary (the K_*
// tokens of grammar/Pipe.g4), grouped by the place their tokens hold in the grammar. The editor
// syntax files (`sluice docs`: editors/) are generated from them.
#pragma once
#include <string>
#include <vector>

namespace sluice::dsl {

struct KeywordGroups {
  std::vector<std::string> declarations;  // pipeline, settings, source, ... sink
  std::vector<std::string> statements;    // from, on, where, set, ... window
  std::vector<std::string> operators;     // if, then, else, and, or, not, in, is
  std::vector<std::string> constants;     // true, false, null
};

const KeywordGroups& keyword_groups();

}  // namespace sluice::dsl
