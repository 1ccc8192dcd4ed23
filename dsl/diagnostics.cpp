#include "dsl/diagnostics.h"

#include <algorithm>

#include "base/enum_names.h"

namespace sluice::dsl {

const char* severity_name(Severity s) {
  static constexpr const char* kNames[] = {"error", "warning", "note"};
  static_assert(std::size(kNames) == enum_count(Severity::Note));
  return enum_name(s, kNames, "error");
}

void Diagnostics::add(Diagnostic d) { items_.push_back(std::move(d)); }

void Diagnostics::error(ast::Loc loc, std::string message) {
  add({loc.line, loc.col, Severity::Error, std::move(message)});
}
void Diagnostics::warning(ast::Loc loc, std::string message) {
  add({loc.line, loc.col, Severity::Warning, std::move(message)});
}
void Diagnostics::note(ast::Loc loc, std::string message) {
  add({loc.line, loc.col, Severity::Note, std::move(message)});
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

size_t Diagnostics::error_count() const {
  return static_cast<size_t>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::Error;
  }));
}

void Diagnostics::sort() {
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.line != b.line) return a.line < b.line;
    return a.col < b.col;
  });
}

namespace {

// The text of 1-based line `line` (without its end of line); empty when out of range.
std::string source_line(const std::string& text, int line) {
  if (line < 1) return {};
  size_t pos = 0;
  for (int i = 1; i < line; ++i) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) return {};
    pos = nl + 1;
  }
  size_t end = text.find('\n', pos);
  std::string s = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
  if (!s.empty() && s.back() == '\r') s.pop_back();
  return s;
}

// Spaces (tabs kept) up to 1-based column `col`, counted in code points like the lexer.
std::string caret_line(const std::string& line, int col) {
  std::string out;
  int c = 1;
  for (size_t i = 0; i < line.size() && c < col;) {
    unsigned char ch = static_cast<unsigned char>(line[i]);
    size_t len = ch < 0x80           ? 1
                 : (ch >> 5) == 0x6  ? 2
                 : (ch >> 4) == 0xE  ? 3
                 : (ch >> 3) == 0x1E ? 4
                                     : 1;
    out += ch == '\t' ? '\t' : ' ';
    i += len;
    ++c;
  }
  while (c < col) {  // past the end of the line (an error at end of line)
    out += ' ';
    ++c;
  }
  out += '^';
  return out;
}

}  // namespace

std::string format_diagnostic(const Diagnostic& d, const std::string& path,
                              const std::string& text) {
  std::string out = path;
  if (d.line > 0) {
    out += ':' + std::to_string(d.line) + ':' + std::to_string(d.col);
  }
  out += ": ";
  out += severity_name(d.severity);
  out += ": ";
  out += d.message;
  out += '\n';
  if (d.line > 0) {
    std::string line = source_line(text, d.line);
    // Control characters would garble the terminal: show them as '?'.
    for (auto& ch : line) {
      if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t') ch = '?';
    }
    out += line;
    out += '\n';
    out += caret_line(line, d.col);
    out += '\n';
  }
  return out;
}

std::string Diagnostics::format(const std::string& path, const std::string& text) const {
  Diagnostics sorted = *this;
  sorted.sort();
  std::string out;
  for (const auto& d : sorted.items_) out += format_diagnostic(d, path, text);
  return out;
}

}  // namespace sluice::dsl
