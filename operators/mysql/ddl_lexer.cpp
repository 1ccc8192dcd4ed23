#include "operators/mysql/ddl_lexer.h"

#include <cctype>

namespace sluice::operators::mysql {
namespace {

bool lex_ident_char(char ch) {
  const auto u = static_cast<unsigned char>(ch);
  return std::isalnum(u) != 0 || ch == '_' || ch == '$' || u >= 0x80;
}

bool lex_digit(char ch) { return std::isdigit(static_cast<unsigned char>(ch)) != 0; }

bool lex_all(std::string_view s, bool (*pred)(char)) {
  if (s.empty()) return false;
  for (char ch : s) {
    if (!pred(ch)) return false;
  }
  return true;
}

char lex_escape(char ch) {
  switch (ch) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    case 'b':
      return '\b';
    case '0':
      return '\0';
    case 'Z':
      return '\032';
    default:
      return ch;
  }
}

class DdlLexer {
 public:
  explicit DdlLexer(std::string_view sql) : s_(sql) {}

  std::vector<Token> run() {
    while (skip_space_and_comments()) {
      const size_t begin = i_;
      Token t = next_token();
      t.begin = begin;
      t.end = i_;
      push(std::move(t));
    }
    Token end;
    end.begin = end.end = s_.size();
    out_.push_back(std::move(end));
    return std::move(out_);
  }

 private:
  char at(size_t k) const { return k < s_.size() ? s_[k] : '\0'; }

  // Adjacent strings are one ('a' 'b' is 'ab').
  void push(Token t) {
    if (t.kind == TokenKind::String && !out_.empty() && out_.back().kind == TokenKind::String) {
      out_.back().text += t.text;
      out_.back().end = t.end;
      return;
    }
    out_.push_back(std::move(t));
  }

  // Skips blanks and comments; false at the end of the text.
  bool skip_space_and_comments() {
    while (i_ < s_.size()) {
      const char ch = s_[i_];
      if (std::isspace(static_cast<unsigned char>(ch)) != 0) {
        ++i_;
      } else if (ch == '#' || (ch == '-' && at(i_ + 1) == '-' &&
                               (i_ + 2 >= s_.size() ||
                                std::isspace(static_cast<unsigned char>(at(i_ + 2))) != 0))) {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else if (ch == '/' && at(i_ + 1) == '*') {
        open_comment();
      } else if (ch == '*' && at(i_ + 1) == '/' && executable_ > 0) {
        --executable_;
        i_ += 2;
      } else {
        return true;
      }
    }
    return false;
  }

  // At "/*": an executable comment's content is code; another comment is skipped.
  void open_comment() {
    size_t k = i_ + 2;
    if (at(k) == 'M' && at(k + 1) == '!') ++k;
    if (at(k) == '!') {
      ++k;
      while (lex_digit(at(k))) ++k;
      ++executable_;
      i_ = k;
      return;
    }
    const size_t close = s_.find("*/", k);
    i_ = close == std::string_view::npos ? s_.size() : close + 2;
  }

  Token next_token() {
    const char ch = s_[i_];
    if (ch == '`') return quoted(TokenKind::Ident, '`');
    if (ch == '\'' || ch == '"') return quoted(TokenKind::String, ch);
    if (lex_digit(ch) || (ch == '.' && lex_digit(at(i_ + 1)) && !after_name())) return number();
    if (lex_ident_char(ch)) return word();
    ++i_;
    return Token{TokenKind::Punct, std::string(1, ch)};
  }

  // ".5" is a number, but in "t.5col" the '.' qualifies a name.
  bool after_name() const {
    if (out_.empty()) return false;
    const TokenKind k = out_.back().kind;
    return (k == TokenKind::Word || k == TokenKind::Ident) && out_.back().end == i_;
  }

  // A quoted name or string: the quote doubled or (strings) a backslash escape.
  Token quoted(TokenKind kind, char q) {
    Token t{kind, {}};
    ++i_;
    while (i_ < s_.size()) {
      const char ch = s_[i_];
      if (ch == q && at(i_ + 1) == q) {
        t.text.push_back(q);
        i_ += 2;
      } else if (ch == q) {
        ++i_;
        break;
      } else if (ch == '\\' && kind == TokenKind::String && i_ + 1 < s_.size()) {
        const char e = s_[i_ + 1];
        if (e == '%' || e == '_') t.text.push_back('\\');
        t.text.push_back(lex_escape(e));
        i_ += 2;
      } else {
        t.text.push_back(ch);
        ++i_;
      }
    }
    return t;
  }

  // A word: a keyword or name; X'..', B'..', N'..' and _charset'..' introduce literals.
  Token word() {
    const size_t start = i_;
    while (i_ < s_.size() && lex_ident_char(s_[i_])) ++i_;
    const std::string_view w = s_.substr(start, i_ - start);
    if (at(i_) == '\'' && w.size() == 1) {
      const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
      if (c == 'X' || c == 'B') {
        Token t = quoted(TokenKind::String, '\'');
        t.kind = c == 'X' ? TokenKind::Hex : TokenKind::Bits;
        return t;
      }
      if (c == 'N') return quoted(TokenKind::String, '\'');
    }
    if (w.size() > 1 && w[0] == '_' && (at(i_) == '\'' || at(i_) == '"')) {
      return quoted(TokenKind::String, at(i_));  // _utf8mb4'..': the introducer is dropped
    }
    return Token{TokenKind::Word, std::string(w)};
  }

  // Digits first: a number (12, 1.5, 1e3, 1e-3), 0x.. / 0b.., else a name such as 1abc.
  Token number() {
    const size_t start = i_;
    while (i_ < s_.size() && lex_ident_char(s_[i_])) ++i_;
    std::string_view run = s_.substr(start, i_ - start);
    if (run.size() > 2 && run[0] == '0' && (run[1] == 'x' || run[1] == 'b')) {
      const std::string_view digits = run.substr(2);
      const bool hex = run[1] == 'x';
      const bool ok =
          hex ? lex_all(digits,
                        [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; })
              : lex_all(digits, [](char c) { return c == '0' || c == '1'; });
      if (ok) return Token{hex ? TokenKind::Hex : TokenKind::Bits, std::string(digits)};
    }
    if (!run.empty() && !lex_all(run, lex_digit) && !exponent_run(run)) {
      return Token{TokenKind::Word, std::string(run)};
    }
    if (at(i_) == '.' && (run.empty() || !exponent_run(run))) {
      ++i_;
      while (lex_digit(at(i_))) ++i_;
      if ((at(i_) == 'e' || at(i_) == 'E') &&
          (lex_digit(at(i_ + 1)) ||
           ((at(i_ + 1) == '+' || at(i_ + 1) == '-') && lex_digit(at(i_ + 2))))) {
        i_ += 2;
        while (lex_digit(at(i_))) ++i_;
      }
    } else if ((run.back() == 'e' || run.back() == 'E') && (at(i_) == '+' || at(i_) == '-') &&
               lex_digit(at(i_ + 1))) {
      ++i_;
      while (lex_digit(at(i_))) ++i_;
    }
    return Token{TokenKind::Number, std::string(s_.substr(start, i_ - start))};
  }

  // "1e5", or "1e" waiting for its sign.
  static bool exponent_run(std::string_view run) {
    const size_t e = run.find_first_of("eE");
    if (e == std::string_view::npos || e == 0) return false;
    return lex_all(run.substr(0, e), lex_digit) &&
           (e + 1 == run.size() || lex_all(run.substr(e + 1), lex_digit));
  }

  std::string_view s_;
  size_t i_ = 0;
  int executable_ = 0;
  std::vector<Token> out_;
};

}  // namespace

std::vector<Token> lex_sql(std::string_view sql) { return DdlLexer(sql).run(); }

}  // namespace sluice::operators::mysql
