#include "operators/postgres/sql_text.h"

namespace sluice::operators::postgres {
namespace {

std::string quoted(std::string_view s, char q) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back(q);
  for (char c : s) {
    if (c == q) out.push_back(q);
    out.push_back(c);
  }
  out.push_back(q);
  return out;
}

std::string unquote(std::string_view s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
    std::string out;
    for (size_t i = 1; i + 1 < s.size(); ++i) {
      out.push_back(s[i]);
      if (s[i] == '"' && i + 2 < s.size() && s[i + 1] == '"') ++i;
    }
    return out;
  }
  return std::string(s);
}

}  // namespace

std::string quote_ident(std::string_view name) { return quoted(name, '"'); }
std::string quote_literal(std::string_view text) { return quoted(text, '\''); }

QualifiedName parse_table_name(std::string_view text) {
  QualifiedName q;
  size_t dot = std::string_view::npos;
  bool in_quotes = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') in_quotes = !in_quotes;
    if (text[i] == '.' && !in_quotes) {
      dot = i;
      break;
    }
  }
  if (dot == std::string_view::npos) {
    q.schema = "public";
    q.name = unquote(text);
  } else {
    q.schema = unquote(text.substr(0, dot));
    q.name = unquote(text.substr(dot + 1));
  }
  return q;
}

}  // namespace sluice::operators::postgres
