#include "operators/mysql/ddl_cursor.h"

#include <algorithm>
#include <cctype>

namespace sluice::operators::mysql {

bool ddl_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string ddl_lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

DdlCursor::DdlCursor(std::string_view sql) : sql_(sql), tokens_(lex_sql(sql)) {}

const Token& DdlCursor::peek(size_t ahead) const {
  const size_t k = i_ + ahead;
  return k < tokens_.size() ? tokens_[k] : tokens_.back();
}

const Token& DdlCursor::next() {
  const Token& t = peek();
  if (i_ + 1 < tokens_.size()) ++i_;
  return t;
}

bool DdlCursor::is(std::string_view w, size_t ahead) const {
  const Token& t = peek(ahead);
  return t.kind == TokenKind::Word && ddl_iequals(t.text, w);
}

bool DdlCursor::is_any(std::initializer_list<std::string_view> words, size_t ahead) const {
  for (auto w : words) {
    if (is(w, ahead)) return true;
  }
  return false;
}

bool DdlCursor::accept(std::string_view w) {
  if (!is(w)) return false;
  next();
  return true;
}

bool DdlCursor::accept_all(std::initializer_list<std::string_view> words) {
  size_t k = 0;
  for (auto w : words) {
    if (!is(w, k++)) return false;
  }
  for (size_t j = 0; j < words.size(); ++j) next();
  return true;
}

bool DdlCursor::is_punct(char c, size_t ahead) const {
  const Token& t = peek(ahead);
  return t.kind == TokenKind::Punct && t.text.size() == 1 && t.text[0] == c;
}

bool DdlCursor::accept_punct(char c) {
  if (!is_punct(c)) return false;
  next();
  return true;
}

result<void> DdlCursor::expect(std::string_view w) {
  if (accept(w)) return {};
  return unexpected(std::string(w));
}

result<void> DdlCursor::expect_punct(char c) {
  if (accept_punct(c)) return {};
  return unexpected(std::string("'") + c + "'");
}

std::optional<std::string> DdlCursor::name() {
  const Token& t = peek();
  if (t.kind != TokenKind::Word && t.kind != TokenKind::Ident && t.kind != TokenKind::String) {
    return std::nullopt;
  }
  return next().text;
}

result<std::string> DdlCursor::expect_name(const char* what) {
  auto n = name();
  if (!n) return unexpected(what);
  return *n;
}

std::optional<std::string> DdlCursor::word_value() {
  const Token& t = peek();
  if (t.kind == TokenKind::Punct || t.kind == TokenKind::End) return std::nullopt;
  return next().text;
}

void DdlCursor::skip_parens() {
  if (!is_punct('(')) return;
  int depth = 0;
  while (!at_end()) {
    if (is_punct('(')) ++depth;
    if (is_punct(')')) --depth;
    next();
    if (depth == 0) return;
  }
}

void DdlCursor::skip_to_comma() {
  while (!at_end() && !is_punct(',') && !is_punct(')')) {
    if (is_punct('(')) {
      skip_parens();
    } else {
      next();
    }
  }
}

std::string DdlCursor::text(size_t from, size_t to) const {
  if (from >= to || from >= tokens_.size()) return {};
  const size_t b = tokens_[from].begin;
  const size_t e = tokens_[std::min(to, tokens_.size()) - 1].end;
  return sql_.substr(b, e - b);
}

error DdlCursor::unexpected(const std::string& what) const {
  const Token& t = peek();
  const std::string here = t.kind == TokenKind::End ? "the end" : "'" + t.text + "'";
  return error::permanent("expected " + what + " at " + here);
}

}  // namespace sluice::operators::mysql
