// A cursor over the tokens of one statement (ddl_lexer.h), with the small steps the DDL
// parsers (ddl_apply.h, column_definition.h) are written in: keywords (case-insensitive),
// punctuation, names, balanced parentheses.
#pragma once
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "operators/mysql/ddl_lexer.h"

namespace sluice::operators::mysql {

class DdlCursor {
 public:
  explicit DdlCursor(std::string_view sql);

  const Token& peek(size_t ahead = 0) const;
  const Token& next();
  bool at_end() const { return peek().kind == TokenKind::End; }
  size_t pos() const { return i_; }
  void seek(size_t pos) { i_ = pos; }

  // An unquoted word equal to `w` (case-insensitive), `ahead` tokens on.
  bool is(std::string_view w, size_t ahead = 0) const;
  bool is_any(std::initializer_list<std::string_view> words, size_t ahead = 0) const;
  bool accept(std::string_view w);
  // All of `words` in a row (IF NOT EXISTS), or none consumed.
  bool accept_all(std::initializer_list<std::string_view> words);
  bool is_punct(char c, size_t ahead = 0) const;
  bool accept_punct(char c);
  result<void> expect(std::string_view w);
  result<void> expect_punct(char c);

  // A name: a word or a `quoted` name (strings too, as some clients write 'name').
  std::optional<std::string> name();
  result<std::string> expect_name(const char* what);
  // A value as written after an option (a word, name, string or number), for charsets etc.
  std::optional<std::string> word_value();

  // At '(': skips to after its ')'. Anywhere: nothing.
  void skip_parens();
  // Skips to the next ',' or ')' at this depth (not consumed) or the end.
  void skip_to_comma();
  // The statement text of tokens [from, to).
  std::string text(size_t from, size_t to) const;

  // A "not understood" error naming the token here.
  error unexpected(const std::string& what) const;

 private:
  std::string sql_;
  std::vector<Token> tokens_;
  size_t i_ = 0;
};

// Case-insensitive comparison of ASCII names (column names, keywords).
bool ddl_iequals(std::string_view a, std::string_view b);
std::string ddl_lower(std::string s);

}  // namespace sluice::operators::mysql
