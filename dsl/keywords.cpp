#include "dsl/keywords.h"

#include "PipeLexer.h"
#include "antlr4-runtime.h"

namespace sluice::dsl {
namespace {
using sluice_grammar::PipeLexer;

// The words of the keyword tokens [first, last): their literal names without the quotes.
std::vector<std::string> words(const antlr4::dfa::Vocabulary& vocab, size_t first, size_t last) {
  std::vector<std::string> out;
  for (size_t t = first; t < last; ++t) {
    std::string lit = vocab.getLiteralName(t);
    if (lit.size() > 2) out.push_back(lit.substr(1, lit.size() - 2));
  }
  return out;
}

KeywordGroups read_groups() {
  antlr4::ANTLRInputStream input("");
  PipeLexer lexer(&input);
  const auto& vocab = lexer.getVocabulary();
  KeywordGroups g;
  g.declarations = words(vocab, PipeLexer::K_PIPELINE, PipeLexer::K_FROM);
  g.statements = words(vocab, PipeLexer::K_FROM, PipeLexer::K_IF);
  g.operators = words(vocab, PipeLexer::K_IF, PipeLexer::K_TRUE);
  g.constants = words(vocab, PipeLexer::K_TRUE, PipeLexer::K_NULL + 1);
  return g;
}
}  // namespace

const KeywordGroups& keyword_groups() {
  static const KeywordGroups groups = read_groups();
  return groups;
}

}  // namespace sluice::dsl
