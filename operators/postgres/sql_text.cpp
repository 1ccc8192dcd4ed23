#include "operators/postgres/sql_text.h"

#include <cstdio>

#include "operators/postgres/stable_hash.h"

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

// The length of name's first `max` bytes or fewer that end on a character boundary.
size_t whole_characters(std::string_view name, size_t max) {
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(name[n]) & 0xC0) == 0x80) --n;
  return n;
}

}  // namespace

bool same_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string pg_identifier(std::string_view name) {
  if (name.size() <= kMaxIdentifier) return std::string(name);
  char hex[9];
  std::snprintf(hex, sizeof(hex), "%08x", stable_hash(name));
  std::string out(name.substr(0, whole_characters(name, kMaxIdentifier - 9)));
  return out + "_" + hex;
}

std::string pg_cut_identifier(std::string_view name) {
  if (name.size() <= kMaxIdentifier) return std::string(name);
  return std::string(name.substr(0, whole_characters(name, kMaxIdentifier)));
}

std::string quote_ident(std::string_view name) { return quoted(name, '"'); }
std::string quote_ident_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + quote_ident(n);
  return out;
}

std::string quote_literal(std::string_view text) { return quoted(text, '\''); }

std::string QualifiedName::display() const {
  auto part = [](const std::string& p) {
    return p.find_first_of(".\"") == std::string::npos ? p : quote_ident(p);
  };
  return part(schema) + "." + part(name);
}

QualifiedName parse_table_name(std::string_view text, bool cut) {
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
  auto fit = cut ? pg_cut_identifier : pg_identifier;
  q.schema = fit(q.schema);
  q.name = fit(q.name);
  return q;
}

}  // namespace sluice::operators::postgres
