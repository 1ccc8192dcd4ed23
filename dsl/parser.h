// Parses a .pipe file into an AST. Never throws: syntax errors (all of them, with ANTLR's
// recovery) go to `diags`; the AST holds whatever could be parsed.
#pragma once
#include <string>

#include "dsl/ast.h"
#include "dsl/diagnostics.h"

namespace sluice::dsl {

ast::File parse(const std::string& path, const std::string& text, Diagnostics& diags);

// One expression alone (`sluice eval`): the text must hold exactly one expression. Errors go
// to `diags` (line/column within `text`); the result may be null or partial after errors.
ast::ExprPtr parse_expr(const std::string& text, Diagnostics& diags);

}  // namespace sluice::dsl
