// Diagnostics of one .pipe file: errors and warnings with 1-based line/column, formatted like
// clang: `FILE:LINE:COL: error: message`, then the source line and a caret under the column.
#pragma once
#include <string>
#include <vector>

#include "dsl/ast.h"

namespace sluice::dsl {

enum class Severity : unsigned char { Error, Warning, Note };
const char* severity_name(Severity s);  // "error", "warning", "note"

struct Diagnostic {
  int line = 0;  // 1-based; 0 = no position (whole file)
  int col = 0;   // 1-based
  Severity severity = Severity::Error;
  std::string message;
};

class Diagnostics {
 public:
  void add(Diagnostic d);
  void error(ast::Loc loc, std::string message);
  void warning(ast::Loc loc, std::string message);
  void note(ast::Loc loc, std::string message);

  bool has_errors() const;
  size_t error_count() const;
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  // Stable sort by position (line, column); diagnostics without a position come first.
  void sort();

  // Every diagnostic, sorted by position, as `path:line:col: error: message` + line + caret.
  std::string format(const std::string& path, const std::string& text) const;

 private:
  std::vector<Diagnostic> items_;
};

// One diagnostic with its source line and caret (text = the whole file).
std::string format_diagnostic(const Diagnostic& d, const std::string& path,
                              const std::string& text);

}  // namespace sluice::dsl
