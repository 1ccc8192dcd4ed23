#include "dsl/parser.h"

#include <exception>
#include <set>

#include "PipeLexer.h"
#include "PipeParser.h"
#include "antlr4-runtime.h"
#include "dsl/ast_builder.h"

namespace sluice::dsl {

namespace {

using sluice_grammar::PipeLexer;
using sluice_grammar::PipeParser;

// How a token type reads in "expected ..." lists.
std::string token_display(const antlr4::dfa::Vocabulary& vocab, size_t type) {
  switch (type) {
    case antlr4::Token::EOF:
      return "end of file";
    case PipeLexer::ID:
      return "a name";
    case PipeLexer::BQ_ID:
      return "a `quoted name`";
    case PipeLexer::STRING:
      return "a string";
    case PipeLexer::INT:
      return "an integer";
    case PipeLexer::DECIMAL:
      return "a decimal";
    case PipeLexer::FLOAT:
      return "a float";
    case PipeLexer::DURATION:
      return "a duration";
    case PipeLexer::SIZE:
      return "a size";
    case PipeLexer::RATE:
      return "a rate";
    default:
      break;
  }
  std::string lit = vocab.getLiteralName(type);
  if (!lit.empty()) return lit;  // already quoted: 'pipeline', '{'
  return vocab.getSymbolicName(type);
}

bool is_keyword(size_t type) { return type >= PipeLexer::K_PIPELINE && type <= PipeLexer::K_NULL; }

std::string token_text(antlr4::Token* t) {
  if (t == nullptr) return "?";
  if (t->getType() == antlr4::Token::EOF) return "end of file";
  std::string s = t->getText();
  if (s.size() > 40) s = s.substr(0, 40) + "...";
  return "'" + s + "'";
}

// Words a syntax error message with the tokens the parser could take at that point.
std::string expected_list(PipeParser* parser) {
  antlr4::misc::IntervalSet set;
  try {
    set = parser->getExpectedTokens();
  } catch (...) {
    return {};
  }
  const auto& vocab = parser->getVocabulary();
  std::vector<ssize_t> types = set.toList();
  bool names = false;
  bool literals = false;
  for (auto t : types) {
    if (t == PipeLexer::ID) names = true;
    if (t == PipeLexer::INT || t == PipeLexer::STRING) literals = true;
  }
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto push = [&](const std::string& s) {
    if (seen.insert(s).second) out.push_back(s);
  };
  if (literals && names) push("an expression");
  for (auto t : types) {
    auto type = static_cast<size_t>(t);
    if (names && is_keyword(type)) continue;  // "a name" covers them
    if (literals && names &&
        (type == PipeLexer::INT || type == PipeLexer::STRING || type == PipeLexer::DECIMAL ||
         type == PipeLexer::FLOAT || type == PipeLexer::DURATION || type == PipeLexer::SIZE ||
         type == PipeLexer::RATE || type == PipeLexer::BQ_ID || type == PipeLexer::ID ||
         type == PipeLexer::LBRACK || type == PipeLexer::LPAREN || type == PipeLexer::AT ||
         type == PipeLexer::MINUS || type == PipeLexer::LBRACE)) {
      continue;
    }
    push(token_display(vocab, type));
  }
  if (out.empty() || out.size() > 8) return {};
  std::string s;
  for (size_t i = 0; i < out.size(); ++i) {
    if (i > 0) s += i + 1 == out.size() ? " or " : ", ";
    s += out[i];
  }
  return s;
}

// Never "fixes" an error by deleting a closing bracket: since keywords may be names, the token
// after a `}` often looks like a valid continuation and the deletion cascades into nonsense.
class ErrorStrategy : public antlr4::DefaultErrorStrategy {
 protected:
  antlr4::Token* singleTokenDeletion(antlr4::Parser* recognizer) override {
    size_t la = recognizer->getInputStream()->LA(1);
    if (la == PipeLexer::RBRACE || la == PipeLexer::RPAREN || la == PipeLexer::RBRACK) {
      return nullptr;
    }
    return antlr4::DefaultErrorStrategy::singleTokenDeletion(recognizer);
  }
};

// Collects syntax errors as diagnostics: one per line (later errors on a line where one was
// already reported are mostly consequences of the first).
class ErrorListener : public antlr4::BaseErrorListener {
 public:
  explicit ErrorListener(Diagnostics& diags) : diags_(diags) {}

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, size_t line,
                   size_t col, const std::string& msg, std::exception_ptr) override {
    ast::Loc loc{static_cast<int>(line), static_cast<int>(col) + 1};
    if (!lines_.insert(line).second) return;
    auto* parser = dynamic_cast<PipeParser*>(recognizer);
    if (parser == nullptr || offending == nullptr) {
      diags_.error(loc, msg);
      return;
    }
    switch (offending->getType()) {
      case PipeLexer::ERR_CHAR:
        diags_.error(loc, "unexpected character " + token_text(offending));
        return;
      case PipeLexer::BAD_STRING:
        diags_.error(loc, "unterminated string: add the closing \" on the same line");
        return;
      case PipeLexer::BAD_NUMBER:
        diags_.error(loc, "invalid number " + token_text(offending) +
                              ": durations are written 250ms 5s 2m 1h 1d, sizes 64KB 16MB 1GB, "
                              "rates 5000/s 300/m 10/h");
        return;
      case PipeLexer::BAD_BQ_ID:
        diags_.error(loc, "unterminated `quoted name`: add the closing ` on the same line");
        return;
      default:
        break;
    }
    std::string expected = expected_list(parser);
    std::string m;
    if (msg.rfind("missing ", 0) == 0) {
      // "missing '}' at 'x'"
      size_t at = msg.find(" at ");
      m = "expected " + msg.substr(8, at == std::string::npos ? std::string::npos : at - 8) +
          " before " + token_text(offending);
    } else {
      m = "unexpected " + token_text(offending);
      if (!expected.empty()) m += ", expected " + expected;
    }
    diags_.error(loc, m + processor_hint(parser));
  }

  // Inside a stage that starts with a word that is neither `source` nor `sink`: the word was
  // read as a processor kind, so say how each kind of stage is written.
  static std::string processor_hint(PipeParser* parser) {
    for (antlr4::ParserRuleContext* c = parser->getContext(); c != nullptr;
         c = dynamic_cast<antlr4::ParserRuleContext*>(c->parent)) {
      auto* st = dynamic_cast<PipeParser::StageContext*>(c);
      if (st == nullptr) continue;
      if (st->processorKind == nullptr) return {};
      return " (read '" + st->processorKind->getText() +
             "' as a processor kind: a stage is `source KIND NAME { ... }`, `KIND NAME from "
             "INPUT { ... }` for a processor such as transform, or `sink KIND NAME from INPUT "
             "{ ... }`)";
    }
    return {};
  }

 private:
  Diagnostics& diags_;
  std::set<size_t> lines_;
};

// Reports the first invalid UTF-8 sequence; true when the text is valid.
bool check_utf8(const std::string& text, Diagnostics& diags) {
  int line = 1;
  int col = 1;
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xE  ? 3
                 : (c >> 3) == 0x1E ? 4
                                    : 0;
    bool ok = len > 0 && i + len <= text.size();
    for (size_t k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    }
    if (ok && len == 2 && c < 0xC2) ok = false;  // overlong
    if (ok && len == 4 && c > 0xF4) ok = false;
    if (!ok) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "0x%02X", c);
      diags.error({line, col},
                  std::string("invalid UTF-8 byte ") + buf + " (files must be UTF-8 text)");
      return false;
    }
    if (c == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
    i += len;
  }
  return true;
}

// Deeply nested brackets would exhaust the stack of the recursive-descent parser: refuse them
// with a clear error. Skips strings, quoted names and comments.
bool check_nesting(const std::string& text, Diagnostics& diags) {
  constexpr int kMaxDepth = 100;
  int depth = 0;
  int line = 1;
  int col = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"' || c == '`') {
      for (++i, ++col; i < text.size() && text[i] != c && text[i] != '\n'; ++i, ++col) {
        if (c == '"' && text[i] == '\\' && i + 1 < text.size() && text[i + 1] != '\n') {
          ++i;
          ++col;
        }
      }
      if (i >= text.size()) break;
      if (text[i] == '\n') {
        ++line;
        col = 1;
        continue;
      }
    } else if (c == '#' || (c == '/' && i + 1 < text.size() && text[i + 1] == '/')) {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if (c == '(' || c == '[' || c == '{') {
      if (++depth > kMaxDepth) {
        diags.error({line, col},
                    "brackets nested more than " + std::to_string(kMaxDepth) + " deep");
        return false;
      }
    } else if (c == ')' || c == ']' || c == '}') {
      if (depth > 0) --depth;
    } else if (c == '\n') {
      ++line;
      col = 1;
      continue;
    }
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++col;
  }
  return true;
}

// Runs the lexer and parser on `text` with Sluice's error listener and recovery, then `build`
// on the parser (which calls the start rule and builds the AST). Never throws.
template <typename Build>
void run_parser(const std::string& text, Diagnostics& diags, Build build) {
  if (!check_utf8(text, diags) || !check_nesting(text, diags)) return;
  try {
    antlr4::ANTLRInputStream input(text);
    PipeLexer lexer(&input);
    ErrorListener errors(diags);
    lexer.removeErrorListeners();
    lexer.addErrorListener(&errors);
    antlr4::CommonTokenStream tokens(&lexer);
    PipeParser parser(&tokens);
    parser.removeErrorListeners();
    parser.addErrorListener(&errors);
    parser.setErrorHandler(std::make_shared<ErrorStrategy>());
    build(parser);
  } catch (const std::exception& e) {
    diags.error({1, 1}, std::string("internal parser error: ") + e.what());
  } catch (...) {
    diags.error({1, 1}, "internal parser error");
  }
}

}  // namespace

ast::File parse(const std::string& path, const std::string& text, Diagnostics& diags) {
  ast::File file;
  file.path = path;
  file.text = text;
  run_parser(text, diags, [&](PipeParser& parser) {
    auto* tree = parser.file();
    AstBuilder builder(diags);
    builder.build(tree, file);
  });
  return file;
}

ast::ExprPtr parse_expr(const std::string& text, Diagnostics& diags) {
  ast::ExprPtr out;
  run_parser(text, diags, [&](PipeParser& parser) {
    auto* tree = parser.exprOnly();
    AstBuilder builder(diags);
    out = builder.build_expr(tree);
  });
  return out;
}

}  // namespace sluice::dsl
